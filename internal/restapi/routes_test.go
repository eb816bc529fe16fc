package restapi

import (
	"reflect"
	"testing"
)

func TestMatchREST(t *testing.T) {
	f := func(method, path string, op restOp, cid string, args [2]string, allow []string) {
		t.Helper()
		m := matchREST(method, path)
		if m.op != op || (op != opNoRoute && (m.cid != cid || m.args != args)) || !reflect.DeepEqual(m.allow, allow) {
			t.Errorf("%s %s: op %v cid %q args %q allow %v; want op %v cid %q args %q allow %v",
				method, path, m.op, m.cid, m.args, m.allow, op, cid, args, allow)
		}
	}
	none := [2]string{}
	f("POST", "/symetry/rest/c1/projects", opCreate, "c1", none, nil)
	f("GET", "/symetry/rest/c1/projects/list", opList, "c1", none, nil)
	f("DELETE", "/symetry/rest/c1/projects/list", opDelete, "c1", [2]string{"list"}, nil)
	f("GET", "/symetry/rest/c1/projects/p1/info", opInfo, "c1", [2]string{"p1"}, nil)
	f("DELETE", "/symetry/rest/c1/projects/p1", opDelete, "c1", [2]string{"p1"}, nil)
	f("POST", "/symetry/rest/c1/projects/p1/learn", opLearn, "c1", [2]string{"p1"}, nil)
	f("POST", "/symetry/rest/c1/projects/p1/forget", opForget, "c1", [2]string{"p1"}, nil)
	f("POST", "/symetry/rest/c1/projects/p1/build", opBuild, "c1", [2]string{"p1"}, nil)
	f("GET", "/symetry/rest/c1/jobs/J1", opJob, "c1", [2]string{"J1"}, nil)
	f("GET", "/symetry/rest/c1/projects/p1/models/m1", opModelInfo, "c1", [2]string{"p1", "m1"}, nil)
	f("DELETE", "/symetry/rest/c1/projects/p1/models/m1", opModelDelete, "c1", [2]string{"p1", "m1"}, nil)
	f("POST", "/symetry/rest/c1/projects/p1/predict/m1", opPredict, "c1", [2]string{"p1", "m1"}, nil)
	f("POST", "/symetry/rest/c1/projects/p1/explore", opExplore, "c1", [2]string{"p1"}, nil)
	f("GET", "/symetry/rest/c1/projects/p1/merge", opMerge, "c1", [2]string{"p1"}, nil)
	f("GET", "/symetry/rest/c1/projects/p1/freeze", opFreeze, "c1", [2]string{"p1"}, nil)
	f("GET", "/symetry/rest/c1/projects/p1/unfreeze", opUnfreeze, "c1", [2]string{"p1"}, nil)
	f("GET", "/symetry/rest/c1/projects/p1/export", opExport, "c1", [2]string{"p1"}, nil)
	f("POST", "/symetry/rest/c1/projects/p1/import", opImport, "c1", [2]string{"p1"}, nil)
	f("POST", "/symetry/rest/c1/uploads", opUploadAnnounce, "c1", none, nil)
	f("GET", "/symetry/rest/c1/uploads", opUploadList, "c1", none, nil)
	f("GET", "/symetry/rest/c1/uploads/U1", opUploadInfo, "c1", [2]string{"U1"}, nil)
	f("DELETE", "/symetry/rest/c1/uploads/U1", opUploadDelete, "c1", [2]string{"U1"}, nil)
	f("POST", "/symetry/rest/c1/uploads/U1/finalize", opUploadFinalize, "c1", [2]string{"U1"}, nil)
	f("PUT", "/symetry/rest/c1/uploads/U1", opNoRoute, "", none, []string{"GET", "DELETE"})
	f("GET", "/symetry/rest/c1/uploads/U1/finalize", opNoRoute, "", none, []string{"POST"})

	// Segments are split, then unescaped: %2F stays in its segment.
	f("GET", "/symetry/rest/c%201/projects/a%20b%2Fc/info", opInfo, "c 1", [2]string{"a b/c"}, nil)
	f("GET", "/symetry/rest/c1/projects/%6Cist", opList, "c1", none, nil)
	f("POST", "/symetry/rest/c1/projects/%C3%A9t%C3%A9/learn", opLearn, "c1", [2]string{"été"}, nil)

	// Wrong method: 405 with the methods the path takes.
	f("GET", "/symetry/rest/c1/projects", opNoRoute, "", none, []string{"POST"})
	f("PUT", "/symetry/rest/c1/projects/list", opNoRoute, "", none, []string{"GET", "DELETE"})
	f("HEAD", "/symetry/rest/c1/projects/p1/info", opNoRoute, "", none, []string{"GET"})
	f("POST", "/symetry/rest/c1/projects/p1/models/m1", opNoRoute, "", none, []string{"GET", "DELETE"})

	// No route.
	for _, p := range []string{
		"/", "/symetry/rest", "/symetry/rest/", "/symetry/rest/c1", "/symetry/rest/c1/",
		"/symetry/rest/c1/projects/", "/symetry/rest/c1//projects", "/symetry/rest/c1/projects/p1/info/",
		"/symetry/rest/c1/projects/p1/nothing", "/symetry/rest/c1/projects/%zz/info",
		"/symetry/rest/c1/projects/p1/models/m1/x", "/symetry/rest/c1/a/b/c/d/e/f/g",
		"/symetry/ws/learn", "/SYMETRY/rest/c1/projects", "/symetry/rest/c1/jobs",
	} {
		f("GET", p, opNoRoute, "", none, nil)
	}
}

func TestParseUploadBodies(t *testing.T) {
	a, err := parseAnnounce([]byte(`{"pid":"iris","name":"iris.csv","size":123456789}`))
	if err != nil || a.PID != "iris" || a.Name != "iris.csv" || a.Size != 123456789 || a.Format != "csv" {
		t.Fatalf("announce %+v, %v", a, err)
	}
	for _, bad := range []string{``, `[]`, `{"pid":"p","name":"n"}`, `{"pid":"p","name":"n","size":"12"}`,
		`{"pid":"p","name":"n","size":1.5}`, `{"pid":"p","name":"n","size":-3}`, `{"pid":"p","name":"n","size":9223372036854775808}`,
		`{"pid":"p","name":"n","size":1,"extra":1}`, `{"pid":"p","pid":"q","name":"n","size":1}`, `{"pid":"\ud800","name":"n","size":1}`,
		`{"pid":1,"name":"n","size":1}`} {
		if _, err := parseAnnounce([]byte(bad)); err == nil {
			t.Errorf("announce %s accepted", bad)
		}
	}
	fa, err := parseFinalize([]byte(`{"op":"forget","types":"C,T","errorHandling":1}`))
	if err != nil || !fa.Forget || fa.Types != "C,T" || fa.ErrorHandling != 1 {
		t.Fatalf("finalize %+v, %v", fa, err)
	}
	if fa, err := parseFinalize(nil); err != nil || fa.Forget || fa.Types != "" || fa.ErrorHandling != 0 {
		t.Fatalf("empty finalize %+v, %v", fa, err)
	}
	for _, bad := range []string{`{"op":"learnt"}`, `{"types":3}`, `{"errorHandling":"1"}`, `{"errorHandling":-1}`, `{"x":1}`, `null`} {
		if _, err := parseFinalize([]byte(bad)); err == nil {
			t.Errorf("finalize %s accepted", bad)
		}
	}
}
