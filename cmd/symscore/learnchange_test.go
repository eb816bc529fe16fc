package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/testserver"
)

// TestLearnCatchesAFileChangedAfterTheCheck: a frame whose payload differs from the one
// validated is not sent, and the frames sent before it are undone.
func TestLearnCatchesAFileChangedAfterTheCheck(t *testing.T) {
	srv := testserver.Start(t, testkit.Config())
	c, err := client.New("http://"+srv.Addr(), testenv.CID1, testenv.Secret1)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.CreateProject(ctx, "p", "", nil); err != nil {
		t.Fatal(err)
	}
	content := "x\n1\n2\n3\n4\n5\n6\n"
	path := writeFile(t, "f.csv", content)
	in, err := openCSVInput(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	fr := &framer{f: in.File, types: []dataframe.Type{dataframe.TypeC}, rows: 2, size: in.currentSize}
	if rows, frames, err := fr.validate(ctx, dataframe.ModeLearn, "", newProgress(nil, "", 0, true, nil)); rows != 6 || frames != 3 || err != nil {
		t.Fatalf("validate: %d rows, %d frames, %v", rows, frames, err)
	}
	for _, tc := range []struct {
		name, content, want string
	}{
		{name: "a value", content: strings.Replace(content, "5", "50", 1), want: path + ":6-7 changed after it was checked"},
		{name: "a row more", content: content + "7\n", want: path + " changed after it was checked: 16 bytes now, 14 then (<nil>)"},
		{name: "rows fewer", content: "x\n1\n2\n3\n4\n", want: path + " changed after it was checked: 2 messages now, 3 then"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			opts := loadOptions{project: "p", window: 1}
			acked, rows, failure := sendFrames(ctx, c, fr, opts, false, nil, newProgress(nil, "", 0, true, nil))
			if failure == nil || failure.Error() != tc.want {
				t.Fatalf("failure %v, want %q", failure, tc.want)
			}
			if os.WriteFile(path, []byte(content), 0o600) != nil {
				t.Fatal("cannot restore the file")
			}
			before := &client.ProjectInfo{}
			err := undoLoad(c, fr, opts, false, acked, learnVerbs, failure, before)
			if want := "the project's rows and statistics are as before, but it keeps the 1 attribute the file added, with zero statistics: x"; err == nil || !strings.Contains(err.Error(), want) || rows == 0 {
				t.Errorf("undo of %d rows: %v, want %q", rows, err, want)
			}
			if info, err := c.ProjectInfo(ctx, "p"); err != nil || info.Rows != 0 {
				t.Errorf("rows after the undo: %+v %v", info, err)
			}
		})
	}
}
