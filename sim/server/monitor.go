package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	stand "github.com/nats-io/nats-streaming-server/server"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/history"
)

// View is what the monitoring endpoint lists at one moment.
type View = broker.View

// Snapshot reads /streaming/clientsz and /streaming/channelsz?subs=1.
func (s *Server) Snapshot(ctx context.Context) (View, error) {
	var v View
	var cz stand.Clientsz
	if err := s.get(ctx, stand.ClientsPath+"?limit=100000", &cz); err != nil {
		return v, err
	}
	for _, c := range cz.Clients {
		v.Clients = append(v.Clients, c.ID)
	}
	sort.Strings(v.Clients)
	var ch stand.Channelsz
	if err := s.get(ctx, stand.ChannelsPath+"?subs=1&limit=100000", &ch); err != nil {
		return v, err
	}
	for _, c := range ch.Channels {
		for _, sub := range c.Subscriptions {
			group := sub.QueueName
			if sub.IsDurable {
				// The server names a durable queue group "<durable>:<group>".
				if _, g, ok := strings.Cut(group, ":"); ok {
					group = g
				}
			}
			v.Subs = append(v.Subs, history.Sub{
				Channel: c.Name, Group: group, Client: sub.ClientID,
				Durable: sub.IsDurable, Offline: sub.IsOffline, Pending: sub.PendingCount,
				LastSent: sub.LastSent, Stalled: sub.IsStalled,
			})
		}
	}
	sort.Slice(v.Subs, func(i, j int) bool {
		a, b := v.Subs[i], v.Subs[j]
		if a.Channel != b.Channel {
			return a.Channel < b.Channel
		}
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.Client < b.Client
	})
	return v, nil
}

func (s *Server) get(ctx context.Context, path string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.monitorURL+path, nil)
	if err != nil {
		return err
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	return nil
}
