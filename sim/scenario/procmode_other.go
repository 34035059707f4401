//go:build !unix

package scenario

// processModeSupported: no SIGTERM, SIGKILL or SIGSTOP to send here.
const processModeSupported = false
