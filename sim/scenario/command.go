package scenario

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// This file holds the rules of a listener whose members are the
// scenario's own program (mode: command).

// CommandEnvPrefix starts the names of the settings stansim gives a
// command member; a scenario's env may not set them.
const CommandEnvPrefix = "STANSIM_"

// envNameRe is the POSIX rule for environment variable names.
var envNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// command checks listener i's command, env and dir, and resolves its dir
// against the scenario file's folder.
func (c *checker) command(i int) {
	at := index("listeners", i)
	l := &c.s.Listeners[i]
	if l.Mode != ModeCommand {
		for _, f := range []string{"command", "env", "dir"} {
			if c.present(at + "." + f) {
				c.errf(at+"."+f, "%s is only for mode %s (mode is %s)", f, ModeCommand, l.Mode)
			}
		}
		return
	}
	if len(l.Command) == 0 || l.Command[0] == "" {
		if !c.skip(at + ".command") {
			c.errf(at+".command", "mode %s needs command: [program, args...], the program each member runs", ModeCommand)
		}
	}
	for _, f := range []string{"process_time", "policy"} {
		if c.present(at + "." + f) {
			c.errf(at+"."+f, "%s does not apply to mode %s: the program decides how it processes and applies a message", f, ModeCommand)
		}
	}
	for name := range l.Env {
		switch {
		case !envNameRe.MatchString(name):
			c.errf(at+".env."+name, "env %q: must be a variable name ([A-Za-z_][A-Za-z0-9_]*)", name)
		case strings.HasPrefix(name, CommandEnvPrefix):
			c.errf(at+".env."+name, "env %q: %s* variables are stansim's settings for the program and cannot be set here", name, CommandEnvPrefix)
		}
	}
	c.commandDir(at, l)
}

// commandDir makes l.Dir absolute (relative to the scenario file's
// folder) and warns unless it is a folder.
func (c *checker) commandDir(at string, l *Listener) {
	base := "."
	if c.d.file != "" {
		base = filepath.Dir(c.d.file)
	}
	dir := l.Dir
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(base, dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		c.errf(at+".dir", "dir %q: %v", l.Dir, err)
		return
	}
	// A warning, not an error: a history's resolved scenario must parse
	// again on a machine without the folder.
	fi, err := os.Stat(abs)
	switch {
	case err != nil:
		c.warnf(at+".dir", "dir %q: %v (a relative dir is taken from the scenario file's folder): the members cannot start", l.Dir, err)
	case !fi.IsDir():
		c.warnf(at+".dir", "dir %q: %s is not a folder: the members cannot start", l.Dir, abs)
	}
	l.Dir = abs
}
