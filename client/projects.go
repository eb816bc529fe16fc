package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Project types of CreateProject.
const (
	ProjectCPU       = "cpu"
	ProjectPartition = "partition" // params["partitionSplit"] names the partition column
)

// CreateProject creates project pid of type typ ("" means ProjectCPU) with params, a flat
// map of strings (nil for none). An existing pid is a *StatusError CONFLICT.
func (c *Client) CreateProject(ctx context.Context, pid, typ string, params map[string]string) error {
	if typ == "" {
		typ = ProjectCPU
	}
	_, err := c.Call(ctx, "POST", "/projects", query("pid", pid, "type", typ), appendStringMap(nil, params))
	return err
}

// ListProjects returns the ids of the customer's projects.
func (c *Client) ListProjects(ctx context.Context) ([]string, error) {
	r, err := c.Call(ctx, "GET", "/projects/list", "", nil)
	if err != nil {
		return nil, err
	}
	return r.StringList()
}

// ProjectInfo describes a project (values.smlInfo of GET /projects/{pid}/info).
type ProjectInfo struct {
	PID  string `json:"pid"`
	Type string `json:"type"`
	// AttributeNames and AttributeTypes ("C" or "B"; a T column's values are B attributes
	// "name$value"): index i of each is project attribute i, as MLContext indexes count.
	AttributeNames []string `json:"attributeNames"`
	AttributeTypes []string `json:"attributeTypes"`
	// ModelsList and ModelTypeList: the models' ids and their algorithms, pairwise.
	ModelsList      []string `json:"modelsList"`
	ModelTypeList   []string `json:"modelTypeList"`
	PartitionColumn string   `json:"partitionColumn"`
	// Rows is the number of rows learned minus the rows forgotten.
	Rows   int64 `json:"rows"`
	Frozen bool  `json:"frozen"`
	// CreationDate and LastModificationDate as the server wrote them.
	CreationDate         string `json:"creationDate"`
	LastModificationDate string `json:"lastModificationDate"`
	// Raw is the whole smlInfo object as the server sent it.
	Raw json.RawMessage `json:"-"`
}

// ProjectInfo returns the description of project pid.
func (c *Client) ProjectInfo(ctx context.Context, pid string) (*ProjectInfo, error) {
	r, err := c.Call(ctx, "GET", "/projects/"+Escape(pid)+"/info", "", nil)
	if err != nil {
		return nil, err
	}
	raw, err := r.Object("smlInfo")
	if err != nil {
		return nil, err
	}
	var info ProjectInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return nil, fmt.Errorf("reply values.smlInfo: %w", err)
	}
	info.Raw = raw
	return &info, nil
}

// DeleteProject deletes project pid and its models.
func (c *Client) DeleteProject(ctx context.Context, pid string) error {
	_, err := c.Call(ctx, "DELETE", "/projects/"+Escape(pid), "", nil)
	return err
}

// Freeze makes project pid refuse learn and forget; Unfreeze allows them again.
func (c *Client) Freeze(ctx context.Context, pid string) error {
	_, err := c.Call(ctx, "GET", "/projects/"+Escape(pid)+"/freeze", "", nil)
	return err
}

// Unfreeze undoes Freeze.
func (c *Client) Unfreeze(ctx context.Context, pid string) error {
	_, err := c.Call(ctx, "GET", "/projects/"+Escape(pid)+"/unfreeze", "", nil)
	return err
}

// Merge folds the statistics of project other into project pid (other is unchanged).
func (c *Client) Merge(ctx context.Context, pid, other string) error {
	_, err := c.Call(ctx, "GET", "/projects/"+Escape(pid)+"/merge", query("otherProjectName", other), nil)
	return err
}

// Export returns the state of project pid (values.projectState, Base64-decoded): opaque
// bytes that Import makes into a project again.
func (c *Client) Export(ctx context.Context, pid string) ([]byte, error) {
	r, err := c.Call(ctx, "GET", "/projects/"+Escape(pid)+"/export", "", nil)
	if err != nil {
		return nil, err
	}
	var text string
	if err := r.value("projectState", &text); err != nil {
		return nil, err
	}
	state, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, fmt.Errorf("reply values.projectState is not Base64: %w", err)
	}
	return state, nil
}

// Import makes project pid from a state that Export returned.
func (c *Client) Import(ctx context.Context, pid string, state []byte) error {
	body := append([]byte(`{"projectState":"`), base64.StdEncoding.EncodeToString(state)...)
	body = append(body, `"}`...)
	_, err := c.Call(ctx, "POST", "/projects/"+Escape(pid)+"/import", "", body)
	return err
}

// Learn adds the rows of the DataFrame payload (DataFrame.JSON) to project pid over REST;
// a Session (OpenLearn) is the faster way for many messages. The reply carries the row
// counts with errorHandling 1 (Reply.RowCounts).
func (c *Client) Learn(ctx context.Context, pid string, payload []byte) (*Reply, error) {
	return c.Call(ctx, "POST", "/projects/"+Escape(pid)+"/learn", "", payload)
}

// Forget removes the rows of the DataFrame payload from project pid over REST.
func (c *Client) Forget(ctx context.Context, pid string, payload []byte) (*Reply, error) {
	return c.Call(ctx, "POST", "/projects/"+Escape(pid)+"/forget", "", payload)
}
