package inprocess

import (
	"io"
	"log"
)

// logSetOutput is log.SetOutput with the SDK's prefix and flags (none: hclog adds its own).
func logSetOutput(w io.Writer) {
	log.SetOutput(w)
	log.SetPrefix("")
	log.SetFlags(0)
}
