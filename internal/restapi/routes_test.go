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
