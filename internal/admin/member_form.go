package admin

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// Limits of a member's fields, in characters; alias lists are per kind.
const (
	maxMemberName = 200
	maxSector     = 100
	maxAliases    = 1000
)

// memberForm is the member page's form: names, sector, and each kind of alias as a textarea
// with one name per line.
type memberForm struct {
	form
	ID      int64
	NameEN  string
	NameJA  string
	Sector  string
	Aliases map[string]string // kind → the textarea's text
	LeftOn  string            // the date it left (YYYY-MM-DD), "" while a member
	Kinds   []string
}

func newMemberForm() memberForm {
	return memberForm{Aliases: map[string]string{}, Kinds: store.AliasKinds}
}

// memberFormOf fills the form from a stored member.
func memberFormOf(m store.MemberRecord, p *web.Page) memberForm {
	f := newMemberForm()
	f.ID, f.NameEN, f.NameJA, f.Sector = m.ID, m.NameEN, m.NameJA, m.Sector
	lines := map[string][]string{}
	for _, a := range m.Aliases {
		lines[a.Kind] = append(lines[a.Kind], a.Name)
	}
	for k, names := range lines {
		f.Aliases[k] = strings.Join(names, "\n")
	}
	if !m.LeftAt.IsZero() {
		f.LeftOn = p.Date(m.LeftAt)
	}
	return f
}

// readMemberForm takes the posted form as typed.
func readMemberForm(r *http.Request) memberForm {
	f := newMemberForm()
	f.NameEN = grievance.PlainName(r.PostFormValue("name_en"))
	f.NameJA = grievance.PlainName(r.PostFormValue("name_ja"))
	f.Sector = strings.TrimSpace(r.PostFormValue("sector"))
	f.LeftOn = strings.TrimSpace(r.PostFormValue("left_on"))
	for _, k := range store.AliasKinds {
		f.Aliases[k] = r.PostFormValue("aliases_" + k)
	}
	return f
}

// aliasLines splits a textarea into names, one per line.
func aliasLines(text string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if line = grievance.PlainName(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// check validates the form and returns the member it describes (and when it left, on the
// edit form), with messages in the page's language for every field that is wrong.
func (h *Handler) checkMember(ctx context.Context, f *memberForm, p *web.Page) (store.Member, time.Time, error) {
	f.Errors = fieldErrors{}
	m := store.Member{ID: f.ID, NameEN: f.NameEN, NameJA: f.NameJA, Sector: f.Sector}
	switch {
	case f.NameEN == "":
		f.Errors["name_en"] = p.T("admin.member.name_en_required")
	case utf8.RuneCountInString(f.NameEN) > maxMemberName:
		f.Errors["name_en"] = p.T("admin.too_long", maxMemberName)
	default:
		taken, err := h.store.MemberNameTaken(ctx, f.NameEN, f.ID)
		if err != nil {
			return m, time.Time{}, err
		}
		if taken {
			f.Errors["name_en"] = p.T("admin.member.name_taken")
		}
	}
	if utf8.RuneCountInString(f.NameJA) > maxMemberName {
		f.Errors["name_ja"] = p.T("admin.too_long", maxMemberName)
	}
	if utf8.RuneCountInString(f.Sector) > maxSector {
		f.Errors["sector"] = p.T("admin.too_long", maxSector)
	}
	for _, k := range store.AliasKinds {
		names := aliasLines(f.Aliases[k])
		if len(names) > maxAliases {
			f.Errors["aliases_"+k] = p.T("admin.member.too_many_aliases", maxAliases)
			continue
		}
		for _, n := range names {
			if utf8.RuneCountInString(n) > maxMemberName {
				f.Errors["aliases_"+k] = p.T("admin.member.alias_too_long", maxMemberName)
				break
			}
			m.Aliases = append(m.Aliases, store.MemberAlias{Kind: k, Name: n})
		}
	}
	m.Aliases = store.CleanAliases(m.Aliases)
	var left time.Time
	if f.LeftOn != "" {
		d, err := time.ParseInLocation("2006-01-02", f.LeftOn, h.store.Timeline().Zone)
		if err != nil {
			f.Errors["left_on"] = p.T("admin.member.left_on_invalid")
		}
		left = d
	}
	return m, left, nil
}
