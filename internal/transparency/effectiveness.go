package transparency

import (
	"github.com/remedy-grievance/remedy/internal/store"
)

// Criterion is one of the eight effectiveness criteria of UNGP 31, with the indicator this
// platform computes for it from its own data. Key names the catalog texts:
// report.criterion.KEY (the criterion), report.criterion.KEY.indicator (what is measured) and
// report.criterion.KEY.how (how it is computed).
type Criterion struct {
	Key         string
	Numerator   int
	Denominator int
	Share       float64
}

// Evidence is what the indicators are computed from, besides a year's figures.
type Evidence struct {
	OpenCases, InformedCases int // open cases now, and those whose reporter had news within the update period
	ClosedCases, WithLessons int // cases closed in the year, and those with lessons recorded
	NonWebReports            int // reports received by other channels than web and API
}

// Effectiveness computes one indicator per UNGP 31 criterion (a)–(h).
func Effectiveness(f *store.PeriodFigures, e Evidence) []Criterion {
	c := func(key string, num, den int) Criterion {
		return Criterion{Key: key, Numerator: num, Denominator: den, Share: share(num, den)}
	}
	var rated, satisfied int
	for r := 1; r <= 5; r++ {
		rated += f.Satisfaction[r]
		if r >= 4 {
			satisfied += f.Satisfaction[r]
		}
	}
	resolved := f.Outcomes["resolved"] + f.Outcomes["partially_resolved"]
	concluded := sum(f.Outcomes)
	timely := f.Acknowledged.InTime + f.ScreeningDecided.InTime
	timed := f.Acknowledged.InTime + f.Acknowledged.Late + f.ScreeningDecided.InTime + f.ScreeningDecided.Late
	return []Criterion{
		c("legitimate", satisfied, rated),
		c("accessible", e.NonWebReports, f.Received),
		c("predictable", timely, timed),
		c("equitable", f.CompanyAnswered.InTime, f.CompanyAnswered.InTime+f.CompanyAnswered.Late),
		c("transparent", e.InformedCases, e.OpenCases),
		c("rights_compatible", resolved, concluded),
		c("learning", e.WithLessons, e.ClosedCases),
		c("dialogue", min(f.Entered["dialogue"], f.Entered["responded"]), f.Entered["responded"]),
	}
}
