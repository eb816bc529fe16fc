package model

import "time"

// ProjectInfo is what docs/protocol.md's smlInfo reports about a project.
type ProjectInfo struct {
	PID  string
	Type string
	// AttributeNames and AttributeTypes ("C" or "B"; T-derived attributes are "B"): index i
	// of each is project attribute i.
	AttributeNames []string
	AttributeTypes []string
	// ModelsList and ModelTypeList: the models' ids and algorithms, sorted by id.
	ModelsList      []string
	ModelTypeList   []string
	PartitionColumn string
	Rows            int64
	Frozen          bool
	// CreationDate and LastModificationDate (last learn, forget or merge) are UTC.
	CreationDate         time.Time
	LastModificationDate time.Time
}

// Info describes the project. It takes the statistics lock, then the models lock, one
// after the other: each part is consistent on its own.
func (p *Project) Info() ProjectInfo {
	p.mu.RLock()
	info := ProjectInfo{
		PID:                  p.id,
		Type:                 p.typ,
		AttributeNames:       append([]string(nil), p.names...),
		AttributeTypes:       make([]string, len(p.kinds)),
		PartitionColumn:      p.partitionColumn,
		Rows:                 p.total.n,
		Frozen:               p.frozen,
		CreationDate:         p.created,
		LastModificationDate: p.modified,
	}
	for i, k := range p.kinds {
		info.AttributeTypes[i] = k.String()
	}
	p.mu.RUnlock()
	for _, m := range p.Models() {
		info.ModelsList = append(info.ModelsList, m.ID())
		info.ModelTypeList = append(info.ModelTypeList, m.Algo())
	}
	return info
}
