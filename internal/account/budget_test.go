package account

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
	"github.com/remedy-grievance/remedy/internal/web"
)

const (
	victim   = "handler@secretariat.example"
	victimPW = "blue kettle on a windy moor"
)

// The attack of issue 10 item 5: one wrong password a minute from another address used to keep
// a handler out (0 of 18 sign-ins). Now it binds only that address.
func TestSomeoneElsesFailuresDoNotLockOutACleanAddress(t *testing.T) {
	eachSite(t, func(t *testing.T, st *site) {
		st.user(victim, grievance.RoleHandler, victimPW)
		attacker := st.browser("198.51.100.1")
		for i := range 5 {
			wantText(t, attacker.login(victim, fmt.Sprintf("wrong %d", i)), http.StatusUnauthorized, "staff.login.wrong")
		}
		w := attacker.login(victim, victimPW)
		wantText(t, w, http.StatusTooManyRequests, "staff.login.throttled")
		if w.Header().Get("Retry-After") == "" {
			t.Fatal("a refusal without Retry-After")
		}
		signedIn := 0
		for minute := range 18 {
			attacker.login(victim, fmt.Sprintf("wrong again %d", minute))
			// A fresh browser each time: no device cookie helps here.
			if w := st.browser("203.0.113.7").login(victim, victimPW); w.Code == http.StatusSeeOther {
				signedIn++
			}
			st.now = st.now.Add(time.Minute)
		}
		if signedIn != 18 {
			t.Fatalf("the victim signed in %d of 18 times from a clean address", signedIn)
		}
	})
}

// Tries are reserved before the hash is checked, so fifty at once cannot race past the five the
// pair budget allows.
func TestConcurrentWrongSignInsCheckNoMoreThanTheBudget(t *testing.T) {
	eachSite(t, func(t *testing.T, st *site) {
		st.user(victim, grievance.RoleHandler, victimPW)
		st.h.Hashing = NewHashing(4, time.Minute)
		var wg sync.WaitGroup
		var mu sync.Mutex
		statuses := map[int]int{}
		for i := range 50 {
			wg.Go(func() {
				w := st.browser("198.51.100.1").login(victim, fmt.Sprintf("wrong %d", i))
				mu.Lock()
				statuses[w.Code]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if n := st.h.Hashing.Checked.Load(); n != 5 || statuses[http.StatusUnauthorized] != 5 || statuses[http.StatusTooManyRequests] != 45 {
			t.Fatalf("%d passwords checked, statuses %v; want 5 checked, 5×401 and 45×429", n, statuses)
		}
	})
}

// An attacker with many addresses can empty the account's budget; a browser that signed in
// there before is not bound by it, a new browser is, and a device cookie opens only its account.
func TestAccountBudgetBindsManySourcesButNotAKnownBrowser(t *testing.T) {
	eachSite(t, func(t *testing.T, st *site) {
		st.h.Policy.Account = web.Limit{Burst: 10, Per: time.Hour}
		// Panel members sign in with a password alone, so it earns the device cookie.
		st.user(victim, grievance.RolePanel, victimPW)
		st.user("other@secretariat.example", grievance.RolePanel, victimPW)
		known := st.browser("192.0.2.10")
		wantRedirect(t, known.login(victim, victimPW), HomePath)
		device := known.cookies[DeviceCookie]
		if device == nil || device.Path != "/staff" || !device.HttpOnly || device.SameSite != http.SameSiteStrictMode || device.MaxAge < 300*24*3600 {
			t.Fatalf("device cookie %+v", device)
		}
		for i := range 10 {
			wantText(t, st.browser(fmt.Sprintf("198.51.%d.1", i)).login(victim, "wrong"), http.StatusUnauthorized, "staff.login.wrong")
		}
		wantText(t, st.browser("198.51.200.1").login(victim, victimPW), http.StatusTooManyRequests, "staff.login.throttled")

		// The known browser, from a new address, with a new session.
		again := st.browser("192.0.2.99")
		again.cookies[DeviceCookie] = device
		wantRedirect(t, again.login(strings.ToUpper(victim), victimPW), HomePath)

		// The cookie means nothing for another account, or altered.
		other := st.browser("192.0.2.98")
		other.cookies[DeviceCookie] = device
		for i := range 10 {
			want := http.StatusUnauthorized
			if i >= 5 {
				want = http.StatusTooManyRequests // the pair budget, as for any browser
			}
			if w := other.login("other@secretariat.example", "wrong"); w.Code != want {
				t.Fatalf("try %d at another account with the victim's device cookie: %d, want %d", i+1, w.Code, want)
			}
		}
		flipped := "a"
		if strings.HasSuffix(device.Value, "a") {
			flipped = "b"
		}
		forged := st.browser("192.0.2.97")
		forged.cookies[DeviceCookie] = &http.Cookie{Name: DeviceCookie, Value: device.Value[:len(device.Value)-1] + flipped}
		wantText(t, forged.login(victim, victimPW), http.StatusTooManyRequests, "staff.login.throttled")
		// The known browser's own budget: five failures, then refused.
		for range 5 {
			wantText(t, again.login(victim, "wrong"), http.StatusUnauthorized, "staff.login.wrong")
		}
		wantText(t, again.login(victim, victimPW), http.StatusTooManyRequests, "staff.login.throttled")
	})
}

// One source trying one password on many accounts, known or not, runs out after 20 and gets one
// more every 30 seconds.
func TestSourceBudgetBindsEveryAccountItTries(t *testing.T) {
	eachSite(t, func(t *testing.T, st *site) {
		st.user(victim, grievance.RoleHandler, victimPW)
		b := st.browser("198.51.100.1")
		for i := range 20 {
			wantText(t, b.login(fmt.Sprintf("user%d@secretariat.example", i), "Summer2026!"), http.StatusUnauthorized, "staff.login.wrong")
		}
		wantText(t, b.login(victim, victimPW), http.StatusTooManyRequests, "staff.login.throttled")
		// Its neighbours in the /24 keep their own narrow budget but share the wide one.
		wantRedirect(t, st.browser("198.51.100.2").login(victim, victimPW), EnrolPath)
		st.now = st.now.Add(30 * time.Second)
		wantRedirect(t, b.login(victim, victimPW), EnrolPath)
	})
}

// Only failures cost: someone who signs in right a hundred times is never refused.
func TestRightSignInsCostNothing(t *testing.T) {
	eachSite(t, func(t *testing.T, st *site) {
		st.user(victim, grievance.RolePanel, victimPW)
		for i := range 100 {
			if w := st.browser("198.51.100.1").login(victim, victimPW); w.Code != http.StatusSeeOther {
				t.Fatalf("sign-in %d: %d", i+1, w.Code)
			}
		}
	})
}

// An unknown address is budgeted as a known one, so refusals do not tell which exist.
func TestUnknownAddressesAreBudgetedAlike(t *testing.T) {
	eachSite(t, func(t *testing.T, st *site) {
		for range 5 {
			wantText(t, st.browser("198.51.100.2").login("nobody@secretariat.example", "x"), http.StatusUnauthorized, "staff.login.wrong")
		}
		wantText(t, st.browser("198.51.100.2").login("Nobody@Secretariat.example ", "x"), http.StatusTooManyRequests, "staff.login.throttled")
	})
}

// Wrong second-factor codes draw on the same budgets as wrong passwords.
func TestSecondFactorCodesDrawOnTheSignInBudgets(t *testing.T) {
	eachSite(t, func(t *testing.T, st *site) {
		st.user(victim, grievance.RoleHandler, victimPW)
		b := st.browser("198.51.100.3")
		wantRedirect(t, b.login(victim, victimPW), EnrolPath)
		for range 5 {
			wantText(t, b.code(EnrolPath, "000000"), http.StatusUnprocessableEntity, "staff.totp.wrong")
		}
		wantText(t, b.code(EnrolPath, "000000"), http.StatusTooManyRequests, "staff.login.throttled")
	})
}

// Two instances on one database spend the same budgets.
func TestSignInBudgetsAreSharedByInstances(t *testing.T) {
	eachSite(t, func(t *testing.T, st *site) {
		st.user(victim, grievance.RoleHandler, victimPW)
		other := newSite(t, st.store)
		for i := range 5 {
			site := st
			if i%2 == 1 {
				site = other
			}
			site.browser("198.51.100.4").login(victim, "wrong")
		}
		wantText(t, other.browser("198.51.100.4").login(victim, victimPW), http.StatusTooManyRequests, "staff.login.throttled")
		wantText(t, st.browser("198.51.100.4").login(victim, victimPW), http.StatusTooManyRequests, "staff.login.throttled")
	})
}

// When every hashing slot stays taken, the page says so with 503 and charges nothing.
func TestBusyHashingAnswers503AndChargesNothing(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	st := newSite(t, s)
	st.user(victim, grievance.RoleHandler, victimPW)
	st.h.Hashing = NewHashing(1, 20*time.Millisecond)
	if err := st.h.Hashing.acquire(ctx, false); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		w := st.browser("198.51.100.5").login(victim, victimPW)
		wantText(t, w, http.StatusServiceUnavailable, "staff.login.busy")
		if w.Header().Get("Retry-After") == "" {
			t.Fatal("no Retry-After")
		}
	}
	st.h.Hashing.release(false)
	for range 4 {
		wantText(t, st.browser("198.51.100.5").login(victim, "wrong"), http.StatusUnauthorized, "staff.login.wrong")
	}
	wantRedirect(t, st.browser("198.51.100.5").login(victim, victimPW), EnrolPath)
	if n := st.h.Hashing.Checked.Load(); n != 5 {
		t.Fatalf("%d passwords checked, want 5", n)
	}
}

// No more than the slots' number of hashes run at once, however many sign-ins arrive.
func TestHashingRunsAtMostItsSlots(t *testing.T) {
	g := NewHashing(2, time.Minute)
	var mu sync.Mutex
	running, most := 0, 0
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			if err := g.acquire(ctx, false); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
			g.release(false)
		})
	}
	wg.Wait()
	if most != 2 {
		t.Fatalf("%d hashes ran at once, want 2", most)
	}
}

// A browser that signed in before hashes in its own slots: strangers filling every other slot
// do not keep it waiting.
func TestKnownBrowserDoesNotQueueBehindStrangers(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	st := newSite(t, s)
	st.user(victim, grievance.RoleHandler, victimPW)
	st.user("panel@secretariat.example", grievance.RolePanel, victimPW)
	known := st.browser("192.0.2.10")
	wantRedirect(t, known.login("panel@secretariat.example", victimPW), HomePath)
	st.h.Hashing = NewHashing(1, 20*time.Millisecond)
	if err := st.h.Hashing.acquire(ctx, false); err != nil {
		t.Fatal(err)
	}
	defer st.h.Hashing.release(false)
	wantText(t, st.browser("192.0.2.11").login("panel@secretariat.example", victimPW), http.StatusServiceUnavailable, "staff.login.busy")
	wantRedirect(t, known.login("panel@secretariat.example", victimPW), HomePath)
}

// Someone who knows the password gets ten wrong codes at the account from anywhere, then one
// every 15 minutes: many addresses or browsers buy no more.
func TestCodeBudgetBindsTheAccountFromEverywhere(t *testing.T) {
	eachSite(t, func(t *testing.T, st *site) {
		st.user(victim, grievance.RoleHandler, victimPW)
		for i := range 11 {
			b := st.browser(fmt.Sprintf("198.51.%d.9", i))
			wantRedirect(t, b.login(victim, victimPW), EnrolPath)
			want, key := http.StatusUnprocessableEntity, "staff.totp.wrong"
			if i == 10 {
				want, key = http.StatusTooManyRequests, "staff.login.throttled"
			}
			wantText(t, b.code(EnrolPath, "000000"), want, key)
		}
		st.now = st.now.Add(15 * time.Minute)
		b := st.browser("198.51.99.9")
		wantRedirect(t, b.login(victim, victimPW), EnrolPath)
		wantText(t, b.code(EnrolPath, "000000"), http.StatusUnprocessableEntity, "staff.totp.wrong")
	})
}
