package server

import (
	"time"

	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// restDateLayout is how REST replies write dates: RFC 3339 in UTC with nanoseconds, always
// nine digits, so that dates compare as strings.
const restDateLayout = "2006-01-02T15:04:05.000000000Z07:00"

// maxProjectParams bounds the parameters of a project creation.
const maxProjectParams = 64

// create makes a project: POST /projects?pid=&type=cpu|partition, body a flat JSON map of
// strings (empty: no parameters). 201 CREATED; 409 if it exists.
func (a *restAPI) create(c *restCall) protocol.Status {
	pid := c.query.Get("pid")
	if pid == "" {
		return c.failf(protocol.StatusBadRequest, `missing query parameter "pid", the project id`)
	}
	params, err := parseStringMap(c.body)
	if err != nil {
		return c.fail(err)
	}
	if err := a.svc.store.Create(c.m.cid, pid, c.query.Get("type"), params); err != nil {
		return c.fail(err)
	}
	c.out = protocol.AppendReply(c.out[:0], protocol.StatusCreated, "CREATED")
	return protocol.StatusCreated
}

// parseStringMap parses a flat JSON object of strings, e.g. {"partitionSplit":"species"};
// an empty body is no parameters.
func parseStringMap(body []byte) (map[string]string, error) {
	if len(body) == 0 {
		return nil, nil
	}
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	if err != nil {
		return nil, protocol.Errorf(protocol.StatusBadRequest, "project parameters are not valid JSON: %v", err)
	}
	o, err := v.Object()
	if err != nil {
		return nil, protocol.Errorf(protocol.StatusBadRequest, "project parameters must be a JSON object of strings, not %s", v.Type())
	}
	if o.Len() > maxProjectParams {
		return nil, protocol.Errorf(protocol.StatusBadRequest, "%d project parameters, at most %d", o.Len(), maxProjectParams)
	}
	params := make(map[string]string, o.Len())
	o.Visit(func(k []byte, e *fastjson.Value) {
		if err != nil {
			return
		}
		key := string(k)
		if _, dup := params[key]; dup {
			err = protocol.Errorf(protocol.StatusBadRequest, "project parameter %s is given twice", quoteInput(key))
			return
		}
		if e.Type() != fastjson.TypeString {
			err = protocol.Errorf(protocol.StatusBadRequest, "project parameter %s must be a string, not %s", quoteInput(key), e.Type())
			return
		}
		params[key] = string(e.GetStringBytes())
	})
	if err != nil {
		return nil, err
	}
	return params, nil
}

// list answers the customer's project ids: values.stringList.values.
func (a *restAPI) list(c *restCall) protocol.Status {
	c.out = protocol.AppendEnvelopeOpen(c.out[:0], protocol.StatusOK, "OK")
	c.out = append(c.out, `{"stringList":{"values":`...)
	c.out = appendJSONStrings(c.out, a.svc.store.List(c.m.cid))
	c.out = protocol.AppendEnvelopeClose(append(c.out, "}}"...))
	return protocol.StatusOK
}

// info answers values.smlInfo (PROTOCOL.md section 2).
func (a *restAPI) info(c *restCall) protocol.Status {
	p, err := a.svc.store.Project(c.m.cid, c.param(0))
	if err != nil {
		return c.fail(err)
	}
	c.out = protocol.AppendEnvelopeOpen(c.out[:0], protocol.StatusOK, "OK")
	c.out = append(c.out, `{"smlInfo":`...)
	c.out = appendProjectInfo(c.out, p.Info())
	c.out = protocol.AppendEnvelopeClose(append(c.out, '}'))
	return protocol.StatusOK
}

// appendProjectInfo appends the smlInfo object. Lists are [] when empty; rows is a number,
// frozen a boolean, dates strings in restDateLayout.
func appendProjectInfo(dst []byte, info model.ProjectInfo) []byte {
	o := openObject(dst)
	o.str("pid", info.PID)
	o.str("type", info.Type)
	o.strs("attributeNames", info.AttributeNames)
	o.strs("attributeTypes", info.AttributeTypes)
	o.strs("modelsList", info.ModelsList)
	o.strs("modelTypeList", info.ModelTypeList)
	o.str("partitionColumn", info.PartitionColumn)
	o.int("rows", info.Rows)
	o.bool("frozen", info.Frozen)
	o.str("creationDate", formatRESTDate(info.CreationDate))
	o.str("lastModificationDate", formatRESTDate(info.LastModificationDate))
	return o.close()
}

func formatRESTDate(t time.Time) string { return t.UTC().Format(restDateLayout) }

// deleteProject deletes the project and its models.
func (a *restAPI) deleteProject(c *restCall) protocol.Status {
	if err := a.svc.store.Delete(c.m.cid, c.param(0)); err != nil {
		return c.fail(err)
	}
	return c.ok()
}

// merge folds project otherProjectName's statistics into the project.
func (a *restAPI) merge(c *restCall) protocol.Status {
	other := c.query.Get("otherProjectName")
	if other == "" {
		return c.failf(protocol.StatusBadRequest, `missing query parameter "otherProjectName", the project to merge from`)
	}
	if err := a.svc.store.Merge(c.m.cid, c.param(0), other); err != nil {
		return c.fail(err)
	}
	return c.ok()
}

// freeze refuses (frozen) or allows learn, forget and merge into the project.
func (a *restAPI) freeze(c *restCall, frozen bool) protocol.Status {
	if err := a.svc.store.SetFrozen(c.m.cid, c.param(0), frozen); err != nil {
		return c.fail(err)
	}
	return c.ok()
}
