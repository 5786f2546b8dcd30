// Package account signs staff in (handlers, admins, member companies' contacts, experts and
// panel members): argon2id passwords with a policy, a TOTP second factor with recovery codes,
// sessions kept in the database, shared budgets on failures and a bound on password hashing, and the middleware that guards the
// staff pages. Reporters never have accounts; they follow up with their receipt (package
// intake).
package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// CookieName holds a staff session's token.
const CookieName = "remedy_staff"

// Where the sign-in steps live, and where a signed-in user lands.
const (
	LoginPath = "/staff/login"
	TOTPPath  = "/staff/totp"
	EnrolPath = "/staff/enrol"
	// HomePath sends a signed-in user on to their role's own place (HomeFor).
	HomePath = "/staff"
	// NotificationsPath is where every user chooses which mail they receive.
	NotificationsPath = "/staff/notifications"
)

// DefaultIssuer names the platform in authenticator apps.
const DefaultIssuer = "Remedy"

// Handler serves the sign-in pages and guards the staff pages.
type Handler struct {
	store  *store.Store
	render *web.Renderer
	log    *slog.Logger

	// Policy is the sign-in budgets; Hashing bounds concurrent password hashing.
	Policy  SignInPolicy
	Hashing *Hashing

	// Issuer is the name authenticator apps show beside the account.
	Issuer string
	// Now is the clock TOTP codes are checked against; time.Now unless a test sets it.
	Now func() time.Time
	// PublicURL is the platform's address as its users reach it (https://remedy.example.org),
	// for the set-up links shown to admins and handlers; empty: the request's own host.
	PublicURL string
}

// New makes the handler with the default sign-in budgets and hashing bound.
func New(s *store.Store, render *web.Renderer, log *slog.Logger) *Handler {
	return &Handler{store: s, render: render, log: log, Policy: DefaultSignInPolicy, Hashing: DefaultHashing(), Issuer: DefaultIssuer, Now: time.Now}
}

// Register adds the sign-in routes.
func (h *Handler) Register(mux web.Router) {
	mux.HandleFunc("GET "+LoginPath, h.loginForm)
	mux.HandleFunc("POST "+LoginPath, h.loginSubmit)
	mux.HandleFunc("GET "+TOTPPath, h.totpForm)
	mux.HandleFunc("POST "+TOTPPath, h.totpSubmit)
	mux.HandleFunc("GET "+EnrolPath, h.enrolForm)
	mux.HandleFunc("GET "+EnrolPath+"/qr.png", h.enrolQR)
	mux.HandleFunc("POST "+EnrolPath, h.enrolSubmit)
	mux.HandleFunc("POST /staff/logout", h.logout)
	mux.HandleFunc("GET "+SetupPath+"{token}", h.setupForm)
	mux.HandleFunc("POST "+SetupPath+"{token}", h.setupSubmit)
	mux.HandleFunc("GET "+HomePath, h.RequireFunc(h.home))
	mux.HandleFunc("GET "+NotificationsPath, h.RequireFunc(h.notificationsShow))
	mux.HandleFunc("POST "+NotificationsPath, h.RequireFunc(h.notificationsSave))
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	u, _ := UserFrom(r.Context())
	http.Redirect(w, r, HomeFor(u.Role), http.StatusSeeOther)
}

// RoleRequiresTOTP reports whether a role needs the second factor. Handlers and admins always
// do. Member companies' contacts and experts see case content, so they do too unless an admin
// made it optional for them (optional: store.SecondFactorOptional). Panel members, who see only
// anonymised figures, need it when an admin requires it of the user (store.TOTPState.Required).
func RoleRequiresTOTP(r grievance.Role, optional bool) bool {
	switch r {
	case grievance.RoleHandler, grievance.RoleAdmin:
		return true
	case grievance.RoleMember, grievance.RoleExpert:
		return !optional
	}
	return false
}

// roleRequiresTOTP is RoleRequiresTOTP with the admin's setting, read only for the roles it
// concerns. A setting that cannot be read counts as "required": a database hiccup must not let
// anyone past the second factor.
func (h *Handler) roleRequiresTOTP(ctx context.Context, r grievance.Role) bool {
	if r != grievance.RoleMember && r != grievance.RoleExpert {
		return RoleRequiresTOTP(r, false)
	}
	optional, err := h.store.SecondFactorOptional(ctx)
	if err != nil {
		h.log.Error("second factor setting unreadable; requiring it", "error", err.Error())
		return true
	}
	return RoleRequiresTOTP(r, optional)
}

// needsSecondFactor: a user who enrolled always uses it, even where it is optional.
func (h *Handler) needsSecondFactor(ctx context.Context, ss store.StaffSession) bool {
	return ss.TOTPEnrolled || ss.TOTPRequired || h.roleRequiresTOTP(ctx, ss.User.Role)
}

type userKey struct{}

// UserFrom returns the signed-in user Require put in the request's context.
func UserFrom(ctx context.Context) (store.User, bool) {
	u, ok := ctx.Value(userKey{}).(store.User)
	return u, ok
}

// Require guards staff pages: a request without a live session is sent to sign in (303), one
// whose user needs the second factor and has not passed it is sent to pass (or enrol) it, and a
// signed-in user of another role is refused (403). With no roles given, any signed-in user
// passes. The user is in the request's context for the page (UserFrom).
func (h *Handler) Require(roles ...grievance.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ss, _, ok := h.session(w, r)
			if !ok {
				return
			}
			if h.needsSecondFactor(r.Context(), ss) && !ss.TOTPVerified {
				target := TOTPPath
				if !ss.TOTPEnrolled {
					target = EnrolPath
				}
				http.Redirect(w, r, target, http.StatusSeeOther)
				return
			}
			if len(roles) > 0 && !slices.Contains(roles, ss.User.Role) {
				p := web.NewPage(r, "staff.forbidden_title")
				p.Data = "staff.forbidden"
				h.render.Render(w, http.StatusForbidden, "notice", p)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, ss.User)))
		})
	}
}

// RequireFunc is Require for a handler function, for web.Router's HandleFunc:
// mux.HandleFunc("GET /desk", h.RequireFunc(desk, grievance.RoleHandler)).
func (h *Handler) RequireFunc(fn http.HandlerFunc, roles ...grievance.Role) http.HandlerFunc {
	return h.Require(roles...)(fn).ServeHTTP
}

// session loads the request's live session; without one it sends the browser to sign in and
// answers false.
func (h *Handler) session(w http.ResponseWriter, r *http.Request) (store.StaffSession, string, bool) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		http.Redirect(w, r, LoginPath, http.StatusSeeOther)
		return store.StaffSession{}, "", false
	}
	ss, err := h.store.StaffSessionUser(r.Context(), c.Value)
	if errors.Is(err, store.ErrNotFound) {
		clearCookie(w, r)
		http.Redirect(w, r, LoginPath+"?expired=1", http.StatusSeeOther)
		return ss, "", false
	}
	if err != nil {
		h.serverError(w, r, err)
		return ss, "", false
	}
	return ss, c.Value, true
}

func setCookie(w http.ResponseWriter, r *http.Request, token string) {
	web.SetCookie(w, r, &http.Cookie{Name: CookieName, Value: token, Path: "/", SameSite: http.SameSiteStrictMode})
}

func clearCookie(w http.ResponseWriter, r *http.Request) {
	web.ClearCookie(w, r, CookieName, "/", http.SameSiteStrictMode)
}

// serverError logs the failure without request content and shows a translated page.
func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("page failed", "route", r.Pattern, "error", err.Error())
	status, key := web.Failure(w, err)
	p := web.NewPage(r, "notice."+key+"_title")
	p.Data = "notice." + key
	h.render.Render(w, status, "notice", p)
}

// secretPurpose binds a sealed TOTP secret to its user.
func secretPurpose(userID int64) string { return fmt.Sprintf("totp/user/%d", userID) }

func (h *Handler) openSecret(userID int64, sealed []byte) (string, error) {
	b, err := h.store.Keys().OpenSecret(secretPurpose(userID), sealed)
	return string(b), err
}

// dummyHash is verified against when an email is unknown, so that answering takes as long as
// for a wrong password and the timing does not tell which addresses have accounts. It uses the
// parameters new passwords are hashed with.
var dummyHash = sync.OnceValue(func() string {
	h, err := seal.HashPassword("no account has this password", seal.DefaultPasswordParams)
	if err != nil {
		panic(err)
	}
	return h
})

type loginView struct {
	Email string
	Error string
}

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) {
	p := web.NewPage(r, "staff.login.title")
	v := loginView{}
	if r.URL.Query().Get("expired") != "" {
		v.Error = p.T("staff.login.expired")
	}
	p.Data = v
	h.render.Render(w, http.StatusOK, "staff_login", p)
}

// loginSubmit checks an email and password. Every try, for a known address or not, is reserved
// from the sign-in budgets before any hashing (so concurrent tries cannot race past them) and
// given back when right; every failure gets the same answer after the same work.
func (h *Handler) loginSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := web.NewPage(r, "staff.login.title")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	fail := func(status int, key string) {
		p.Data = loginView{Email: email, Error: p.T(key)}
		h.render.Render(w, status, "staff_login", p)
	}
	try, retry, err := h.reserve(ctx, r, email)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if retry > 0 {
		refuseRetry(w, retry)
		fail(http.StatusTooManyRequests, "staff.login.throttled")
		return
	}
	hash, known := dummyHash(), false
	u, err := h.store.UserByEmail(ctx, email)
	switch {
	case err == nil:
		if hash, err = h.store.UserPasswordHash(ctx, u.ID); err != nil {
			h.serverError(w, r, err)
			return
		}
		known = true
	case !errors.Is(err, store.ErrNotFound):
		h.serverError(w, r, err)
		return
	}
	ok, err := h.Hashing.Verify(ctx, hash, password, try.known)
	if errors.Is(err, ErrBusy) || ctx.Err() != nil {
		// Nothing was checked, so nothing is charged.
		if err := h.succeeded(ctx, try); err != nil {
			h.log.Error("sign-in budget not given back", "error", err.Error())
		}
		refuseRetry(w, 5*time.Second)
		fail(http.StatusServiceUnavailable, "staff.login.busy")
		return
	}
	if err != nil {
		h.log.Error("stored password hash unreadable", "user", u.ID, "error", err.Error())
	}
	if !known || !ok {
		fail(http.StatusUnauthorized, "staff.login.wrong")
		return
	}
	if err := h.succeeded(ctx, try); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.startSession(w, r, u)
}

// startSession signs u in past the password (a new session, never this browser's old one) and
// sends them on to their code, to enrol one, or home.
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, u store.User) {
	ctx := r.Context()
	st, err := h.store.UserTOTP(ctx, u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	// A session from before sign-in (this browser's last one) is ended, never promoted.
	if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
		if err := h.store.DeleteStaffSession(ctx, c.Value); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	token, err := h.store.CreateStaffSession(ctx, u.ID, false)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	setCookie(w, r, token)
	next := HomePath
	switch {
	case st.Sealed != nil:
		next = TOTPPath
	case st.Required || h.roleRequiresTOTP(ctx, u.Role):
		next = EnrolPath
	default:
		// Signed in: only now, never on the password alone where a second factor follows.
		h.trustDevice(w, r, u.Email)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

type codeView struct {
	Error string
}

// secondFactorPending loads the session for the second-factor pages and sends the browser on
// when there is nothing to do here.
func (h *Handler) secondFactorPending(w http.ResponseWriter, r *http.Request) (store.StaffSession, string, bool) {
	ss, token, ok := h.session(w, r)
	if !ok {
		return ss, "", false
	}
	switch {
	case ss.TOTPVerified:
		http.Redirect(w, r, HomePath, http.StatusSeeOther)
		return ss, "", false
	case !ss.TOTPEnrolled && h.needsSecondFactor(r.Context(), ss):
		http.Redirect(w, r, EnrolPath, http.StatusSeeOther)
		return ss, "", false
	case !ss.TOTPEnrolled:
		http.Redirect(w, r, HomePath, http.StatusSeeOther)
		return ss, "", false
	}
	return ss, token, true
}

func (h *Handler) totpForm(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := h.secondFactorPending(w, r); !ok {
		return
	}
	p := web.NewPage(r, "staff.totp.title")
	p.Data = codeView{}
	h.render.Render(w, http.StatusOK, "staff_totp", p)
}

// totpSubmit takes a code from the authenticator app or a recovery code. Wrong codes draw on
// the same budgets as wrong passwords: six digits are guessable without them.
func (h *Handler) totpSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ss, token, ok := h.secondFactorPending(w, r)
	if !ok {
		return
	}
	p := web.NewPage(r, "staff.totp.title")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	code := r.PostFormValue("code")
	fail := func(status int, key string) {
		p.Data = codeView{Error: p.T(key)}
		h.render.Render(w, status, "staff_totp", p)
	}
	try, retry, err := h.reserveCode(ctx, r, ss.User.Email)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if retry > 0 {
		refuseRetry(w, retry)
		fail(http.StatusTooManyRequests, "staff.login.throttled")
		return
	}
	method := ""
	switch normalized, isRecovery := NormalizeRecoveryCode(code); {
	case looksLikeTOTP(code):
		st, err := h.store.UserTOTP(ctx, ss.User.ID)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		secret, err := h.openSecret(ss.User.ID, st.Sealed)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		step, valid := VerifyTOTP(secret, code, h.Now())
		if !valid {
			break
		}
		accepted, err := h.store.AcceptTOTPStep(ctx, ss.User.ID, step)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		if !accepted {
			fail(http.StatusUnauthorized, "staff.totp.reused")
			return
		}
		method = "totp"
	case isRecovery:
		used, err := h.store.UseRecoveryCode(ctx, ss.User.ID, RecoveryCodeHash(h.store.Keys(), ss.User.ID, normalized))
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		if used {
			method = "recovery_code"
		}
	}
	if method == "" {
		fail(http.StatusUnauthorized, "staff.totp.wrong")
		return
	}
	if err := h.succeeded(ctx, try); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.trustDevice(w, r, ss.User.Email)
	h.verified(w, r, token, method)
}

// verified marks the session as past the second factor under a new token.
func (h *Handler) verified(w http.ResponseWriter, r *http.Request, token, method string) bool {
	newToken, err := h.store.MarkStaffSessionVerified(r.Context(), token, method)
	if errors.Is(err, store.ErrNotFound) {
		clearCookie(w, r)
		http.Redirect(w, r, LoginPath+"?expired=1", http.StatusSeeOther)
		return false
	}
	if err != nil {
		h.serverError(w, r, err)
		return false
	}
	setCookie(w, r, newToken)
	if method != "enrolment" {
		http.Redirect(w, r, HomePath, http.StatusSeeOther)
	}
	return true
}

type enrolView struct {
	Secret string   // grouped base32, for typing in by hand
	Codes  []string // the recovery codes, once enrolment is done
	Error  string
}

// enrolling loads the session of a user who may enrol (one with no second factor yet) and the
// secret being enrolled, making one on the first visit. The secret stays with the session, so
// reloading the page shows the same QR code.
func (h *Handler) enrolling(w http.ResponseWriter, r *http.Request) (ss store.StaffSession, token, secret string, sealed []byte, ok bool) {
	ss, token, ok = h.session(w, r)
	if !ok {
		return
	}
	if ss.TOTPEnrolled {
		// Replacing a second factor takes an admin's reset, never a half-signed-in session.
		target := TOTPPath
		if ss.TOTPVerified {
			target = HomePath
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return ss, "", "", nil, false
	}
	sealed, err := h.store.StaffSessionPendingTOTP(r.Context(), token)
	if err == nil && sealed == nil {
		sealed, err = h.newPendingSecret(r.Context(), ss.User, token)
	}
	if err == nil {
		secret, err = h.openSecret(ss.User.ID, sealed)
	}
	if err != nil {
		h.serverError(w, r, err)
		return ss, "", "", nil, false
	}
	return ss, token, secret, sealed, true
}

// newPendingSecret makes a secret for u to enrol and keeps it, sealed, with the session.
func (h *Handler) newPendingSecret(ctx context.Context, u store.User, token string) ([]byte, error) {
	key, err := NewTOTPSecret(h.Issuer, u.Email)
	if err != nil {
		return nil, err
	}
	sealed, err := h.store.Keys().SealSecret(secretPurpose(u.ID), []byte(key.Secret()))
	if err != nil {
		return nil, err
	}
	return sealed, h.store.SetStaffSessionPendingTOTP(ctx, token, sealed)
}

func (h *Handler) enrolForm(w http.ResponseWriter, r *http.Request) {
	_, _, secret, _, ok := h.enrolling(w, r)
	if !ok {
		return
	}
	p := web.NewPage(r, "staff.enrol.title")
	p.Data = enrolView{Secret: GroupSecret(secret)}
	h.render.Render(w, http.StatusOK, "staff_enrol", p)
}

// enrolQR serves the QR code of the secret being enrolled. It is made here, never by a
// third-party service, and never cached.
func (h *Handler) enrolQR(w http.ResponseWriter, r *http.Request) {
	ss, _, secret, _, ok := h.enrolling(w, r)
	if !ok {
		return
	}
	key, err := TOTPKey(h.Issuer, ss.User.Email, secret)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	png, err := TOTPQRCode(key, 240)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(png)
}

// enrolSubmit confirms the secret with a code from the app, stores it with fresh recovery
// codes, and shows the codes, this once.
func (h *Handler) enrolSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ss, token, secret, sealed, ok := h.enrolling(w, r)
	if !ok {
		return
	}
	p := web.NewPage(r, "staff.enrol.title")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	code := r.PostFormValue("code")
	fail := func(status int, key string) {
		p.Data = enrolView{Secret: GroupSecret(secret), Error: p.T(key)}
		h.render.Render(w, status, "staff_enrol", p)
	}
	try, retry, err := h.reserveCode(ctx, r, ss.User.Email)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if retry > 0 {
		refuseRetry(w, retry)
		fail(http.StatusTooManyRequests, "staff.login.throttled")
		return
	}
	step, valid := VerifyTOTP(secret, code, h.Now())
	if !valid {
		fail(http.StatusUnprocessableEntity, "staff.totp.wrong")
		return
	}
	if err := h.succeeded(ctx, try); err != nil {
		h.serverError(w, r, err)
		return
	}
	codes := NewRecoveryCodes()
	hashes := make([][]byte, len(codes))
	for i, c := range codes {
		n, _ := NormalizeRecoveryCode(c)
		hashes[i] = RecoveryCodeHash(h.store.Keys(), ss.User.ID, n)
	}
	err = h.store.SetUserTOTP(ctx, ss.User.ID, sealed, step, hashes)
	if errors.Is(err, store.ErrTOTPEnrolled) {
		http.Redirect(w, r, TOTPPath, http.StatusSeeOther)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !h.verified(w, r, token, "enrolment") {
		return
	}
	h.trustDevice(w, r, ss.User.Email)
	p = web.NewPage(r, "staff.enrol.done_title")
	p.Data = enrolView{Codes: codes}
	h.render.Render(w, http.StatusOK, "staff_enrol", p)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
		if err := h.store.DeleteStaffSession(r.Context(), c.Value); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	clearCookie(w, r)
	http.Redirect(w, r, LoginPath, http.StatusSeeOther)
}
