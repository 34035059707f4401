// Package server runs one embedded NATS Streaming server per scenario, on
// loopback with ports chosen at run time, and reads back what its monitoring
// endpoint lists.
package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	natsd "github.com/nats-io/nats-server/v2/server"
	stand "github.com/nats-io/nats-streaming-server/server"
	"github.com/nats-io/nats-streaming-server/stores"

	"github.com/stansim/stansim/outfile"
)

// ClusterID is the streaming cluster id every stansim server uses; each run
// has its own server, so one name is enough.
const ClusterID = "stansim"

// Config describes one embedded server.
type Config struct {
	Dir         string // the scenario folder: server.log and the file store go here
	Store       string // "memory" or "file"
	HBInterval  time.Duration
	HBTimeout   time.Duration
	HBFailCount int
	NoLog       bool // skip server.log (tests)
}

// Server is a running embedded server.
type Server struct {
	stan       *stand.StanServer
	url        string
	monitorURL string
	http       *http.Client
}

// startAttempts bounds retries when another process takes the monitoring
// port between choosing it and binding it.
const startAttempts = 5

// Start runs a server and waits until it accepts clients.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	var lastErr error
	for range startAttempts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s, err := start(cfg)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if !isAddrInUse(err) {
			break
		}
	}
	return nil, fmt.Errorf("start embedded NATS Streaming server: %w", lastErr)
}

func start(cfg Config) (*Server, error) {
	httpPort, err := freePort()
	if err != nil {
		return nil, err
	}
	sOpts := stand.GetDefaultOptions()
	sOpts.ID = ClusterID
	sOpts.ClientHBInterval = cfg.HBInterval
	sOpts.ClientHBTimeout = cfg.HBTimeout
	sOpts.ClientHBFailCount = cfg.HBFailCount
	switch cfg.Store {
	case "", stores.TypeMemory, "memory":
		sOpts.StoreType = stores.TypeMemory
	case "file":
		sOpts.StoreType = stores.TypeFile
		sOpts.FilestoreDir = filepath.Join(cfg.Dir, "store")
		// A fresh store every run: leftovers would replay old messages.
		if err := os.RemoveAll(sOpts.FilestoreDir); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown store %q", cfg.Store)
	}
	nOpts := stand.DefaultNatsServerOptions
	nOpts.Host = "127.0.0.1"
	nOpts.Port = natsd.RANDOM_PORT
	nOpts.HTTPHost = "127.0.0.1"
	nOpts.HTTPPort = httpPort
	nOpts.NoSigs = true
	if !cfg.NoLog {
		sOpts.EnableLogging = true
		sOpts.Debug = true
		nOpts.NoLog = false
		nOpts.Logtime = true
		nOpts.LogFile = filepath.Join(cfg.Dir, "server.log")
		// The server appends to its log by name: create it fresh first, so
		// that a symlink planted there is removed, not written through.
		lf, err := outfile.Create(nOpts.LogFile)
		if err != nil {
			return nil, err
		}
		lf.Close()
	}
	s, err := stand.RunServerWithOpts(sOpts, &nOpts)
	if err != nil {
		return nil, err
	}
	return &Server{
		stan:       s,
		url:        s.ClientURL(),
		monitorURL: fmt.Sprintf("http://127.0.0.1:%d", httpPort),
		http:       &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 2}},
	}, nil
}

// URL is the NATS client URL.
func (s *Server) URL() string { return s.url }

// MonitorURL is the monitoring endpoint's base URL.
func (s *Server) MonitorURL() string { return s.monitorURL }

// Shutdown stops the server and releases its ports and files.
func (s *Server) Shutdown() {
	s.stan.Shutdown()
	if t, ok := s.http.Transport.(*http.Transport); ok {
		t.CloseIdleConnections()
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func isAddrInUse(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE) || (err != nil && strings.Contains(err.Error(), "address already in use"))
}
