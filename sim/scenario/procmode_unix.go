//go:build unix

package scenario

// processModeSupported: members can be child processes killed by signals.
const processModeSupported = true
