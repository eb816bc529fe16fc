package main

import (
	"log/slog"

	"github.com/symscore/symscore/config"
)

// fitDescriptors raises the process's limit of open files and fits the connection limits
// to it (config.Limits.FitDescriptors), logging each limit it lowers and the effective
// limits the server runs with.
func fitDescriptors(cfg *config.Config, log *slog.Logger) error {
	d, err := cfg.Limits.FitDescriptors()
	if err != nil {
		return err
	}
	for _, note := range d.Lowered {
		log.Warn(note)
	}
	l := cfg.Limits
	log.Info("effective limits",
		"open_files", d.Limit, "open_files_before", d.Was, "descriptor_reserve", config.DescriptorReserve,
		"max_connections", l.MaxConnections, "max_unauthenticated_connections", l.MaxUnauthenticatedConnections,
		"max_name_bytes", l.MaxNameBytes, "max_project_bytes", l.MaxProjectBytes, "max_customer_bytes", l.MaxCustomerBytes,
		"max_explore_work", l.MaxExploreWork, "max_subscriptions", l.MaxSubscriptions, "subscribe_interval", cfg.Subscribe.Interval,
		"replay_capacity_per_customer", cfg.Auth.ReplayCapacity/max(1, len(cfg.Customers)), "replay_predict", cfg.Auth.ReplayPredict)
	return nil
}
