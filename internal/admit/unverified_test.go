package admit

import (
	"errors"
	"sync"
	"testing"
)

// TestBudgetChild: a customer's budget is nested in the global one: either refuses, a
// refusal takes nothing from either, and releases go back to both.
func TestBudgetChild(t *testing.T) {
	all := NewBudget(100)
	a, b := all.Child(60), all.Child(60)
	if a.Take(60) != nil || a.Take(1) != a {
		t.Fatalf("a's own limit: used a %d, all %d", a.Used(), all.Used())
	}
	if got := b.Take(41); got != all {
		t.Fatalf("b past the global limit refused by %p, want the global budget %p", got, all)
	}
	if b.Used() != 0 || all.Used() != 60 {
		t.Fatalf("a refusal took bytes: b %d, all %d", b.Used(), all.Used())
	}
	if !b.Charge(40) || all.Used() != 100 {
		t.Fatalf("all %d", all.Used())
	}
	a.Release(60)
	b.Release(40)
	if a.Used() != 0 || b.Used() != 0 || all.Used() != 0 {
		t.Fatalf("after release: a %d, b %d, all %d", a.Used(), b.Used(), all.Used())
	}
	if all.Limit() != 100 || a.Limit() != 60 {
		t.Fatal("limits")
	}
}

// TestUnverifiedBounds: a connection, an address and the whole server each have their
// bound; IPv6 addresses of one /64 share one, IPv4-mapped ones count as IPv4; a refused
// charge takes nothing.
func TestUnverifiedBounds(t *testing.T) {
	u := NewUnverified(300, 150, 100)
	var c1, c2, c3, d1, e1, e2 Hold
	c1.Init(u, "10.0.0.1:1000")
	c2.Init(u, "10.0.0.1:1001")
	c3.Init(u, "[::ffff:10.0.0.1]:1002")
	if err := c1.Charge(101); !errors.Is(err, ErrUnverifiedConnection) {
		t.Fatalf("one connection past its bound: %v", err)
	}
	if err := c1.Charge(100); err != nil {
		t.Fatal(err)
	}
	if err := c2.Charge(60); !errors.Is(err, ErrUnverifiedAddress) {
		t.Fatalf("a second connection of the address past its bound: %v", err)
	}
	if err := c3.Charge(50); err != nil {
		t.Fatal(err)
	}
	if got := u.UsedBy("10.0.0.1:9"); got != 150 {
		t.Fatalf("address holds %d, want 150 (the IPv4-mapped one included)", got)
	}
	d1.Init(u, "[2001:db8::1]:1")
	e1.Init(u, "[2001:db8::2]:1")     // the same /64
	e2.Init(u, "[2001:db8:0:1::1]:1") // another /64
	if err := d1.Charge(100); err != nil {
		t.Fatal(err)
	}
	if err := e1.Charge(51); !errors.Is(err, ErrUnverifiedAddress) {
		t.Fatalf("an address of the same /64: %v", err)
	}
	if err := e2.Charge(51); !errors.Is(err, ErrUnverifiedTotal) {
		t.Fatalf("past the total: %v", err)
	}
	if err := e2.Charge(50); err != nil {
		t.Fatal(err)
	}
	if u.Used() != 300 || c2.Held() != 0 || e1.Held() != 0 {
		t.Fatalf("used %d; refused holds %d, %d", u.Used(), c2.Held(), e1.Held())
	}
	for _, h := range []*Hold{&c1, &c2, &c3, &d1, &e1, &e2} {
		h.Release()
	}
	if u.Used() != 0 || u.Addresses() != 0 {
		t.Fatalf("after release: used %d over %d addresses", u.Used(), u.Addresses())
	}
	var z Hold
	z.Release() // the zero Hold holds nothing
	var p Hold
	p.Init(u, "pipe") // not ip:port: one shared key
	if err := p.Charge(10); err != nil || u.UsedBy("other") != 10 {
		t.Fatalf("%v, %d", err, u.UsedBy("other"))
	}
	p.Init(u, "10.0.0.1:1") // Init releases what it held
	if u.Used() != 0 {
		t.Fatalf("Init kept %d bytes", u.Used())
	}
}

func TestUnverifiedConcurrent(t *testing.T) {
	u := NewUnverified(1000, 500, 100)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			var h Hold
			h.Init(u, []string{"10.0.0.1:1", "10.0.0.2:1"}[i%2])
			for range 1000 {
				if h.Charge(30) == nil && h.Held() > 60 {
					h.Release()
				}
			}
			h.Release()
		})
	}
	wg.Wait()
	if u.Used() != 0 || u.Addresses() != 0 {
		t.Fatalf("used %d over %d addresses after balanced charges", u.Used(), u.Addresses())
	}
}
