package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// DevCustomerID is the customer id of the development customer.
const DevCustomerID = "dev"

// DevCustomerFile is the name, in data_dir, of the file that keeps the development
// customer: JSON {"id":"dev","secret":"<Base64>"}, mode 0600.
const DevCustomerFile = "dev-customer.json"

// NewSecret returns a fresh secret: the Base64 text of MinSecretBytes random bytes from
// crypto/rand.
func NewSecret() string {
	b := make([]byte, MinSecretBytes)
	rand.Read(b) // never fails (crypto/rand crashes the program instead)
	return base64.StdEncoding.EncodeToString(b)
}

// DevCustomerPath is where the development customer of dataDir is kept.
func DevCustomerPath(dataDir string) string { return filepath.Join(dataDir, DevCustomerFile) }

type devCustomerFile struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

// EnsureDevCustomer gives a configuration without customers one development customer, so
// that a server started with no configuration can be used at once. The first time, it
// creates the customer (id DevCustomerID, a NewSecret) and stores it in
// DevCustomerPath(cfg.DataDir) with mode 0600, creating data_dir (0700) if needed; later it
// reads that file back, so the secret survives restarts. It appends the customer to
// cfg.Customers and returns it, with created true the first time; the caller shows the
// secret to the operator then, and only then.
//
// When cfg has customers it does nothing and returns false, Customer{}, nil. It refuses a
// file that others than its owner may read, or whose content is not a valid customer.
// Two processes starting at once agree on one customer: the file is created exclusively.
func EnsureDevCustomer(cfg *Config) (created bool, cust Customer, err error) {
	if len(cfg.Customers) > 0 {
		return false, Customer{}, nil
	}
	path := DevCustomerPath(cfg.DataDir)
	cust, err = readDevCustomer(path)
	if errors.Is(err, fs.ErrNotExist) {
		created, err = writeDevCustomer(path)
		if err == nil {
			cust, err = readDevCustomer(path)
		}
	}
	if err != nil {
		return false, Customer{}, err
	}
	cfg.Customers = append(cfg.Customers, cust)
	return created, cust, nil
}

func readDevCustomer(path string) (Customer, error) {
	f, err := os.Open(path)
	if err != nil {
		return Customer{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Customer{}, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return Customer{}, fmt.Errorf("development customer file %s has mode %v: others may read the secret; make it 0600", path, st.Mode().Perm())
	}
	var d devCustomerFile
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return Customer{}, fmt.Errorf("cannot read development customer file %s: %w; delete it to make a new one", path, err)
	}
	if msg := checkCustomerID(d.ID); msg != "" {
		return Customer{}, fmt.Errorf("development customer file %s: id %s; delete it to make a new one", path, msg)
	}
	if msg := checkSecret(d.Secret); msg != "" {
		return Customer{}, fmt.Errorf("development customer file %s: secret %s; delete it to make a new one", path, msg)
	}
	return Customer{ID: d.ID, Secrets: []string{d.Secret}}, nil
}

// writeDevCustomer creates the file with a new customer, atomically: the content is
// written and synced under a temporary name, then linked to path, which fails if path
// exists. It reports false, nil when another process created path first.
func writeDevCustomer(path string) (created bool, err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, fmt.Errorf("cannot create data_dir: %w", err)
	}
	b, err := json.Marshal(devCustomerFile{ID: DevCustomerID, Secret: NewSecret()})
	if err != nil {
		return false, err
	}
	tmp, err := os.CreateTemp(dir, DevCustomerFile+".tmp*") // mode 0600
	if err != nil {
		return false, fmt.Errorf("cannot create development customer file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(append(b, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, fmt.Errorf("cannot write development customer file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		return false, fmt.Errorf("cannot create development customer file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return true, nil
}
