package main

// A model of containerd's archive.Apply (archive/tar.go applyNaive, with continuity's fs.RootPath)
// applying layers in order onto one tree, the merged view a container sees. Each step names the call
// it stands for; the filesystem is a map of cleaned absolute paths to nodes.

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

type node struct {
	kind    string // "dir", "file", "symlink", "node"
	content string // sha256 of a file
	link    string
	mtime   time.Time
}

// containerd's boundTime (archive/time.go): before the epoch or past a 64-bit timespec is the epoch.
var minTime = time.Unix(0, 0)
var maxTime = time.Unix(0, 1<<63-1)

func boundTime(t time.Time) time.Time {
	if t.Before(minTime) || t.After(maxTime) {
		return minTime
	}
	return t
}

type fsys map[string]*node

var errNotExist = errors.New("no such file or directory")
var errNotDir = errors.New("not a directory")

// lstat stands for os.Lstat: ENOENT when missing, ENOTDIR when a parent is not a directory.
func (f fsys) lstat(p string) (*node, error) {
	p = filepath.Clean(p)
	if p == "/" {
		return &node{kind: "dir"}, nil
	}
	for d := filepath.Dir(p); d != "/"; d = filepath.Dir(d) {
		n := f[d]
		if n != nil && n.kind != "dir" {
			if n.kind == "symlink" {
				return nil, fmt.Errorf("model: unexpected symlink parent %s", d)
			}
			return nil, errNotDir
		}
	}
	n := f[p]
	if n == nil {
		return nil, errNotExist
	}
	return n, nil
}

// removeAll stands for os.RemoveAll: nothing to do when missing, an error under a non-directory.
func (f fsys) removeAll(p string) error {
	if _, err := f.lstat(p); err != nil {
		if err == errNotExist {
			return nil
		}
		return err
	}
	for k := range f {
		if k == p || strings.HasPrefix(k, p+"/") {
			delete(f, k)
		}
	}
	return nil
}

// create stands for mkdir/open(O_CREAT)/symlink/mknod/link on a path known to be free.
func (f fsys) create(p string, n *node) error {
	parent, err := f.lstat(filepath.Dir(p))
	if err != nil {
		return err
	}
	if parent.kind != "dir" {
		return errNotDir
	}
	if _, err := f.lstat(p); err == nil {
		return errors.New("file exists")
	}
	f[p] = n
	return nil
}

// mkdirAll stands for os.MkdirAll (which follows symlinks, as stat does).
func (f fsys) mkdirAll(p string) error {
	n, err := f.lstat(p)
	if err == nil {
		if n.kind == "dir" {
			return nil
		}
		if n.kind == "symlink" {
			return f.mkdirAll(f.rootPathMust(p))
		}
		return errNotDir
	}
	if err != errNotExist {
		return err
	}
	if err := f.mkdirAll(filepath.Dir(p)); err != nil {
		return err
	}
	return f.create(p, &node{kind: "dir"})
}

func (f fsys) rootPathMust(p string) string {
	r, err := f.rootPath(p)
	if err != nil {
		return p
	}
	return r
}

// rootPath stands for continuity's fs.RootPath(root, path): every symlink in path is followed, an
// absolute target restarts at the root, ".." never climbs above it, a missing component is taken as
// it is, and more than 255 links is an error.
func (f fsys) rootPath(p string) (string, error) {
	if p == "" {
		return "/", nil
	}
	links := 0
	for {
		before := links
		np, err := f.walkLinks(p, &links)
		if err != nil {
			return "", err
		}
		p = np
		if before == links {
			np = filepath.Join("/", np)
			if p == np {
				return np, nil
			}
			p = np
		}
	}
}

func (f fsys) walkLink(p string, links *int) (string, bool, error) {
	if *links > 255 {
		return "", false, errors.New("too many links")
	}
	p = filepath.Join("/", p)
	if p == "/" {
		return p, false, nil
	}
	n, err := f.lstat(p)
	if err != nil {
		if err == errNotExist {
			return p, false, nil
		}
		return "", false, err
	}
	if n.kind != "symlink" {
		return p, false, nil
	}
	*links++
	return n.link, true, nil
}

func (f fsys) walkLinks(p string, links *int) (string, error) {
	dir, file := filepath.Split(p)
	switch {
	case dir == "":
		np, _, err := f.walkLink(file, links)
		return np, err
	case file == "":
		if dir == "/" {
			return dir, nil
		}
		return f.walkLinks(dir[:len(dir)-1], links)
	default:
		newdir, err := f.walkLinks(dir, links)
		if err != nil {
			return "", err
		}
		np, isLink, err := f.walkLink(filepath.Join(newdir, file), links)
		if err != nil {
			return "", err
		}
		if !isLink || filepath.IsAbs(np) {
			return np, nil
		}
		return filepath.Join(newdir, np), nil
	}
}

// applyLayer follows applyNaive member by member.
func (f fsys) applyLayer(data []byte) error {
	tr := tar.NewReader(bytes.NewReader(data))
	unpacked := map[string]bool{}
	var dirs []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(hdr.Name)
		ppath, base := filepath.Split(name)
		ppath, err = f.rootPath(ppath)
		if err != nil {
			return fmt.Errorf("failed to get root path: %w", err)
		}
		path := filepath.Join(ppath, filepath.Join("/", base))
		if path == "/" {
			continue
		}
		if ppath != "/" {
			parent := ppath
			if base == "" {
				parent = filepath.Dir(path)
			}
			if _, err := f.lstat(parent); err == errNotExist {
				if err := f.mkdirAll(parent); err != nil {
					return err
				}
			}
		}
		if strings.HasPrefix(name, ".wh..wh.") && name != ".wh..wh..opq" {
			return errors.New("model: aufs metadata is not modelled")
		}
		if strings.HasPrefix(base, ".wh.") {
			dir := filepath.Dir(path)
			if base == ".wh..wh..opq" {
				if _, err := f.lstat(dir); err != nil {
					return err
				}
				f.opaque(dir, unpacked)
				continue
			}
			orig := filepath.Join(dir, base[len(".wh."):])
			prefix := dir
			if !strings.HasSuffix(prefix, "/") {
				prefix += "/"
			}
			if !strings.HasPrefix(orig, prefix) {
				return fmt.Errorf("invalid whiteout name: %v", base)
			}
			if err := f.removeAll(orig); err != nil {
				return err
			}
			continue
		}
		if n, err := f.lstat(path); err == nil {
			if !(n.kind == "dir" && hdr.Typeflag == tar.TypeDir) {
				if err := f.removeAll(path); err != nil {
					return err
				}
			}
		}
		if err := f.createTarFile(path, hdr, tr); err != nil {
			return err
		}
		// chtimes(path, ..., boundTime(hdr.ModTime)) ends createTarFile; a hard link shares its target's inode,
		// so the target takes the time too. Directory times are not compared.
		if n := f[path]; n != nil && hdr.Typeflag != tar.TypeDir {
			n.mtime = boundTime(hdr.ModTime)
		}
		if hdr.Typeflag == tar.TypeDir {
			dirs = append(dirs, hdr.Name)
		}
		unpacked[path] = true
	}
	// The directory times are set last, on a path resolved again: one removed since is an error.
	for _, name := range dirs {
		p, err := f.rootPath(name)
		if err != nil {
			return err
		}
		if _, err := f.lstat(p); err != nil {
			return fmt.Errorf("chtimes %s: %w", p, err)
		}
	}
	return nil
}

// opaque stands for the filepath.Walk in applyNaive: lexical order, a removed directory is not entered.
func (f fsys) opaque(dir string, unpacked map[string]bool) {
	var under []string
	for k := range f {
		if strings.HasPrefix(k, strings.TrimSuffix(dir, "/")+"/") {
			under = append(under, k)
		}
	}
	sort.Strings(under)
	for _, k := range under {
		if f[k] == nil || unpacked[k] {
			continue
		}
		f.removeAll(k)
	}
}

func (f fsys) createTarFile(path string, hdr *tar.Header, r io.Reader) error {
	switch hdr.Typeflag {
	case tar.TypeDir:
		if n, err := f.lstat(path); !(err == nil && n.kind == "dir") {
			return f.create(path, &node{kind: "dir"})
		}
		return nil
	case tar.TypeReg, tar.TypeRegA:
		if err := f.create(path, &node{kind: "file"}); err != nil {
			return err
		}
		h := sha256.New()
		if _, err := io.Copy(h, r); err != nil {
			return err
		}
		f[path].content = hex.EncodeToString(h.Sum(nil))
		return nil
	case tar.TypeBlock, tar.TypeChar, tar.TypeFifo:
		return f.create(path, &node{kind: "node"})
	case tar.TypeLink:
		// hardlinkRootPath: the link's parent is resolved, its last component is not (a link to a symlink is a symlink).
		ppath, base := filepath.Split(hdr.Linkname)
		ppath, err := f.rootPath(ppath)
		if err != nil {
			return err
		}
		target := filepath.Join(ppath, base)
		n, err := f.lstat(target)
		if err != nil {
			return fmt.Errorf("link %s: %w", target, err)
		}
		if n.kind == "dir" {
			return fmt.Errorf("link %s: operation not permitted", target)
		}
		return f.create(path, n)
	case tar.TypeSymlink:
		return f.create(path, &node{kind: "symlink", link: hdr.Linkname})
	case tar.TypeXGlobalHeader:
		return nil
	default:
		return fmt.Errorf("unhandled tar header type %d", hdr.Typeflag)
	}
}

type fileOut struct {
	Type     string `json:"type"`
	Sha256   string `json:"sha256,omitempty"`
	Linkname string `json:"linkname,omitempty"` // hex
	Mtime    *int64 `json:"mtime,omitempty"`
}

type applyResult struct {
	Files map[string]fileOut `json:"files"`
	Error string             `json:"error,omitempty"`
	Layer int                `json:"layer"`
}

func applyLayers(layers [][]byte) applyResult {
	f := fsys{}
	res := applyResult{Files: map[string]fileOut{}, Layer: -1}
	for i, l := range layers {
		if err := f.applyLayer(l); err != nil {
			res.Error = err.Error()
			res.Layer = i
			return res
		}
	}
	for p, n := range f {
		out := fileOut{Type: n.kind, Sha256: n.content, Linkname: hex.EncodeToString([]byte(n.link))}
		if n.kind != "dir" {
			ms := n.mtime.UnixMilli()
			out.Mtime = &ms
		}
		res.Files[hex.EncodeToString([]byte(p))] = out
	}
	return res
}
