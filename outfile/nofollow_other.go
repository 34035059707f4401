//go:build !unix

package outfile

// noFollow: O_EXCL already refuses an existing name (a link included) here.
const noFollow = 0
