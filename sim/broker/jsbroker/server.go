package jsbroker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	natsd "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/stansim/stansim/outfile"
)

// Config describes one embedded JetStream server.
type Config struct {
	// Dir is the scenario folder: server.log goes here, and for the file
	// store its directory Dir/store, removed first so that every run starts
	// empty.
	Dir string
	// Store is "memory" (the default when empty) or "file".
	Store string
	// PingInterval is how often the server PINGs a client it has not heard
	// from; 0 = the server's default (2m). JetStream has no client
	// heartbeats of its own: these PINGs are how a hung member is found.
	PingInterval time.Duration
	// MaxPingsOut is how many PINGs may go unanswered before the server
	// closes the connection; 0 = the server's default (2).
	MaxPingsOut int
	// NoLog skips server.log (tests).
	NoLog bool
}

// readyTimeout bounds the wait for the server to accept clients.
const readyTimeout = 10 * time.Second

// The two stores a scenario may name.
const (
	StoreMemory = "memory"
	StoreFile   = "file"
)

// storageOf maps the scenario's store to the streams' storage type.
func storageOf(store string) (nats.StorageType, error) {
	switch store {
	case "", StoreMemory:
		return nats.MemoryStorage, nil
	case StoreFile:
		return nats.FileStorage, nil
	}
	return 0, fmt.Errorf("unknown store %q (want %q or %q)", store, StoreMemory, StoreFile)
}

// embedded is the running server and what Shutdown must release.
type embedded struct {
	srv        *natsd.Server
	log        *serverLog
	logFile    *os.File // nil without server.log
	tempStore  string   // JetStream's store directory for the memory store, removed on Shutdown
	monitorURL string
}

// startServer runs the embedded server and waits until it accepts clients.
// Both ports are chosen by the kernel at bind time (port -1), so no other
// process can take them between choosing and binding.
func startServer(ctx context.Context, cfg Config, storage nats.StorageType) (*embedded, error) {
	e := &embedded{}
	storeDir, err := e.prepareStore(cfg, storage)
	if err != nil {
		return nil, err
	}
	w, err := e.openLog(cfg)
	if err != nil {
		e.release()
		return nil, err
	}
	e.log = newServerLog(w)
	srv, err := natsd.NewServer(serverOptions(cfg, storeDir))
	if err != nil {
		e.release()
		return nil, fmt.Errorf("configure server: %w", err)
	}
	e.srv = srv
	srv.SetLoggerV2(e.log, !cfg.NoLog, false, false)
	srv.Start() // returns once the client listener is up, or after a fatal error
	if err := e.waitReady(ctx); err != nil {
		e.shutdown()
		return nil, err
	}
	e.monitorURL = "http://" + srv.MonitorAddr().String()
	return e, nil
}

// serverOptions are the embedded server's options: loopback only, no
// signal handlers (the run owns the process's signals), JetStream on.
func serverOptions(cfg Config, storeDir string) *natsd.Options {
	return &natsd.Options{
		Host:         "127.0.0.1",
		Port:         natsd.RANDOM_PORT,
		HTTPHost:     "127.0.0.1",
		HTTPPort:     natsd.RANDOM_PORT,
		NoSigs:       true,
		NoLog:        cfg.NoLog,
		Debug:        !cfg.NoLog,
		JetStream:    true,
		StoreDir:     storeDir,
		PingInterval: cfg.PingInterval,
		MaxPingsOut:  cfg.MaxPingsOut,
	}
}

// prepareStore returns JetStream's store directory: Dir/store, emptied,
// for the file store; a temporary directory (JetStream needs one even when
// every stream lives in memory) for the memory store.
func (e *embedded) prepareStore(cfg Config, storage nats.StorageType) (string, error) {
	if storage == nats.FileStorage {
		dir := filepath.Join(cfg.Dir, "store")
		// A fresh store every run: leftovers would replay old messages.
		if err := os.RemoveAll(dir); err != nil {
			return "", fmt.Errorf("remove old store: %w", err)
		}
		return dir, nil
	}
	dir, err := os.MkdirTemp("", "stansim-jetstream-")
	if err != nil {
		return "", fmt.Errorf("JetStream store directory: %w", err)
	}
	e.tempStore = dir
	return dir, nil
}

// openLog creates server.log fresh (through outfile, so a symlink planted
// there is replaced, not written through), or discards the log.
func (e *embedded) openLog(cfg Config) (io.Writer, error) {
	if cfg.NoLog {
		return io.Discard, nil
	}
	f, err := outfile.Create(filepath.Join(cfg.Dir, "server.log"))
	if err != nil {
		return nil, fmt.Errorf("server log: %w", err)
	}
	e.logFile = f
	return f, nil
}

// waitReady waits until the server accepts clients with JetStream on, or
// reports the fatal error that stopped its start.
func (e *embedded) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		if err := e.log.err(); err != nil {
			return fmt.Errorf("start embedded JetStream server: %w", err)
		}
		if e.srv.ReadyForConnections(50*time.Millisecond) && e.srv.JetStreamEnabled() {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return errors.New("start embedded JetStream server: not ready after " + readyTimeout.String())
		}
	}
}

// shutdown stops the server, waits for its goroutines and releases files.
func (e *embedded) shutdown() {
	if e.srv != nil {
		e.srv.Shutdown()
		e.srv.WaitForShutdown()
	}
	e.release()
}

// release closes the log and removes the temporary store.
func (e *embedded) release() {
	if e.logFile != nil {
		_ = e.logFile.Close()
		e.logFile = nil
	}
	if e.tempStore != "" {
		_ = os.RemoveAll(e.tempStore)
		e.tempStore = ""
	}
}
