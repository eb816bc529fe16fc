package config

import "fmt"

// Descriptors kept out of limits.max_connections by FitDescriptors, for what every
// process needs besides its client connections:
//
//	overLimitDescriptors  connections accepted past max_connections only to be answered
//	                      503 (the server reads at most this many)
//	otherDescriptors      standard streams, the two listeners, the Go runtime's poller,
//	                      the write-ahead log's segments and directory, a snapshot being
//	                      written and its directory, admin connections (/metrics
//	                      scrapes), upload files and the files other parts open briefly
const (
	overLimitDescriptors = 256
	otherDescriptors     = 256
	// DescriptorReserve is the descriptors FitDescriptors keeps for the above.
	DescriptorReserve = overLimitDescriptors + otherDescriptors
	// MinConnections is the fewest connections a descriptor limit must leave room for.
	MinConnections = 16
)

// Descriptors is what FitDescriptors found and did.
type Descriptors struct {
	// Limit is the process's soft limit of open files once raised; 0 when the platform
	// does not say (then nothing was fitted).
	Limit uint64
	// Was is the soft limit before FitDescriptors raised it (equal to Limit when it did not).
	Was uint64
	// Lowered says which limits were lowered to fit, e.g.
	// "limits.max_connections lowered from 100000 to 19488".
	Lowered []string
}

// FitDescriptors raises the process's soft limit of open files to its hard limit (Linux;
// elsewhere it does nothing and reports Limit 0), then fits the connection limits to it:
// MaxConnections to at most Limit − DescriptorReserve, MaxUnauthenticatedConnections to at
// most half of the effective MaxConnections and MaxUnauthenticatedConnectionsPerAddress to
// at most that, so that a flood of idle connections leaves the log, snapshots and uploads
// their descriptors and strangers never hold every place.
// It fails when the limit leaves room for fewer than MinConnections connections. Call it
// once at start, on a validated configuration, and log what it reports.
func (l *Limits) FitDescriptors() (Descriptors, error) {
	was, limit, err := raiseDescriptorLimit()
	d := Descriptors{Limit: limit, Was: was}
	if err != nil {
		return d, err
	}
	d.Lowered, err = l.fitDescriptors(limit)
	return d, err
}

// fitDescriptors is FitDescriptors for a known soft limit (0: unknown, nothing to fit).
func (l *Limits) fitDescriptors(limit uint64) ([]string, error) {
	var lowered []string
	if limit > 0 {
		if limit < DescriptorReserve+MinConnections {
			return nil, fmt.Errorf("the process may open %d files (ulimit -n); symscore needs at least %d: %d kept for the log, snapshots, uploads and refusals, and %d connections",
				limit, DescriptorReserve+MinConnections, DescriptorReserve, MinConnections)
		}
		if room := limit - DescriptorReserve; uint64(l.MaxConnections) > room {
			lowered = append(lowered, fmt.Sprintf("limits.max_connections lowered from %d to %d: the process may open %d files, %d of them kept for the log, snapshots, uploads and refusals",
				l.MaxConnections, room, limit, DescriptorReserve))
			l.MaxConnections = int(room)
		}
	}
	if half := max(1, l.MaxConnections/2); l.MaxUnauthenticatedConnections > half {
		lowered = append(lowered, fmt.Sprintf("limits.max_unauthenticated_connections lowered from %d to %d, half of limits.max_connections",
			l.MaxUnauthenticatedConnections, half))
		l.MaxUnauthenticatedConnections = half
	}
	if l.MaxUnauthenticatedConnectionsPerAddress > l.MaxUnauthenticatedConnections {
		lowered = append(lowered, fmt.Sprintf("limits.max_unauthenticated_connections_per_address lowered from %d to %d, limits.max_unauthenticated_connections",
			l.MaxUnauthenticatedConnectionsPerAddress, l.MaxUnauthenticatedConnections))
		l.MaxUnauthenticatedConnectionsPerAddress = l.MaxUnauthenticatedConnections
	}
	return lowered, nil
}
