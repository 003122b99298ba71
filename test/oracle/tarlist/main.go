// The reference reader for sbom-hunt's differential tests: Go's archive/tar (what containerd, moby and
// podman read layers with), and a model of how containerd's archive.Apply (applyNaive) lays a sequence
// of layers onto one filesystem.
//
// Input on stdin, many cases per run so Go is started once:
//
//	list:  repeated  <byte length>\n<tar bytes>
//	apply: repeated  <layer count>\n then per layer <byte length>\n<tar bytes>
//
// Output: one JSON object per case and line.
//
//	list:  {"members":[{"name","type","linkname","size","mtime","sha256"}],"error":"..."}
//	apply: {"files":{"/path":{"type","sha256","linkname","mtime"}},"error":"..."}
//
// mtime is Time.UnixMilli(), left out when the seconds are 1e15 or more away from the epoch (UnixMilli is
// undefined beyond int64 milliseconds, and no runtime keeps such a time).
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Names are hex: they are bytes, and JSON would fold invalid UTF-8 into U+FFFD.
type member struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Linkname string `json:"linkname"`
	Size     int64  `json:"size"`
	Mtime    *int64 `json:"mtime,omitempty"`
	Sha256   string `json:"sha256,omitempty"`
}

// unixMilli is t.UnixMilli() where it is defined (see the header comment), else nil.
func unixMilli(t time.Time) *int64 {
	if s := t.Unix(); s >= 1e15 || s <= -1e15 {
		return nil
	}
	ms := t.UnixMilli()
	return &ms
}

type listResult struct {
	Members []member `json:"members"`
	Error   string   `json:"error,omitempty"`
}

// listTar reads every member and every body, as an extractor does; an error ends the list.
func listTar(data []byte) listResult {
	res := listResult{Members: []member{}}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return res
		}
		if err != nil {
			res.Error = err.Error()
			return res
		}
		m := member{Name: hex.EncodeToString([]byte(hdr.Name)), Type: string([]byte{hdr.Typeflag}), Linkname: hex.EncodeToString([]byte(hdr.Linkname)), Size: hdr.Size, Mtime: unixMilli(hdr.ModTime)}
		h := sha256.New()
		_, err = io.Copy(h, tr)
		if err == nil {
			m.Sha256 = hex.EncodeToString(h.Sum(nil))
		}
		res.Members = append(res.Members, m)
		if err != nil {
			res.Error = err.Error()
			return res
		}
	}
}

func readFrame(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		return nil, fmt.Errorf("bad frame length %q", line)
	}
	buf := make([]byte, n)
	_, err = io.ReadFull(r, buf)
	return buf, err
}

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "list" && os.Args[1] != "apply") {
		fmt.Fprintln(os.Stderr, "usage: tarlist list|apply < frames")
		os.Exit(2)
	}
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		if os.Args[1] == "list" {
			data, err := readFrame(in)
			if err == io.EOF {
				return
			}
			must(err)
			must(enc.Encode(listTar(data)))
			continue
		}
		line, err := in.ReadString('\n')
		if err == io.EOF && line == "" {
			return
		}
		must(err)
		n, err := strconv.Atoi(strings.TrimSpace(line))
		must(err)
		layers := make([][]byte, n)
		for i := range layers {
			layers[i], err = readFrame(in)
			must(err)
		}
		must(enc.Encode(applyLayers(layers)))
	}
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "tarlist:", err)
		os.Exit(1)
	}
}
