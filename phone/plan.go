package phone

import (
	"regexp"
	"slices"
	"strconv"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// A plan is the numbering plan of a calling code that belongs to one
// region (or to one non-geographic entity), its patterns compiled once.
// It answers phonenumbers.IsValidNumber for that code without the
// library's cost per call: the library builds each pattern's anchored
// string anew, looks it up in a locked cache and matches it twice, for up
// to eleven kinds of number, which made the check of a new contact a third
// of a bulk enqueue's CPU (docs/benchmarks.md).
type plan struct {
	md      *phonenumbers.PhoneMetadata
	once    sync.Once // compiles the patterns at the plan's first number
	general desc
	kinds   []desc // fixed line and mobile first: most numbers are one of them
}

// A desc is one kind of number of a plan.
type desc struct {
	lengths []int32        // the national lengths it allows; none: any
	re      *regexp.Regexp // nil for no pattern, which nothing matches
}

// plans holds the plan of every calling code with a single region, read
// from the library's metadata the first time a number is checked.
var plans = sync.OnceValue(loadPlans)

func loadPlans() map[int32]*plan {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return nil // every check goes to the library
	}
	out := make(map[int32]*plan)
	for _, md := range coll.GetMetadata() {
		cc := md.GetCountryCode()
		if regions := phonenumbers.GetRegionCodesForCountryCode(int(cc)); len(regions) == 1 && regions[0] == md.GetId() {
			out[cc] = &plan{md: md}
		}
	}
	return out
}

// compile compiles the plan's patterns, about a dozen: all the plans'
// together take tens of milliseconds, which the first request should not
// wait for. The kinds are those of the library's getNumberTypeHelper: a
// number is valid when it matches the general description and one kind,
// and mobile counts apart from fixed line only when the two patterns
// differ.
func (p *plan) compile() {
	md := p.md
	p.general = newDesc(md.GetGeneralDesc())
	kinds := []*phonenumbers.PhoneNumberDesc{md.GetFixedLine()}
	if !md.GetSameMobileAndFixedLinePattern() {
		kinds = append(kinds, md.GetMobile())
	}
	kinds = append(kinds, md.GetPremiumRate(), md.GetTollFree(), md.GetSharedCost(), md.GetVoip(),
		md.GetPersonalNumber(), md.GetPager(), md.GetUan(), md.GetVoicemail())
	for _, d := range kinds {
		p.kinds = append(p.kinds, newDesc(d))
	}
}

func newDesc(d *phonenumbers.PhoneNumberDesc) desc {
	if d == nil || d.GetNationalNumberPattern() == "" {
		return desc{}
	}
	return desc{lengths: d.PossibleLength, re: regexp.MustCompile("^(?:" + d.GetNationalNumberPattern() + ")$")}
}

func (d desc) match(nsn string) bool {
	if d.re == nil || len(d.lengths) > 0 && !slices.Contains(d.lengths, int32(len(nsn))) {
		return false
	}
	return d.re.MatchString(nsn)
}

func (p *plan) valid(nsn string) bool {
	p.once.Do(p.compile)
	if !p.general.match(nsn) {
		return false
	}
	for _, d := range p.kinds {
		if d.match(nsn) {
			return true
		}
	}
	return false
}

// isValid is phonenumbers.IsValidNumber, from the plan of n's calling code
// when it has one; codes shared by several regions (+1, +7, +44, …) and
// national numbers that keep a leading zero go to the library.
func isValid(n *phonenumbers.PhoneNumber) bool {
	if p := plans()[n.GetCountryCode()]; p != nil && !n.GetItalianLeadingZero() {
		return p.valid(strconv.FormatUint(n.GetNationalNumber(), 10))
	}
	return phonenumbers.IsValidNumber(n)
}
