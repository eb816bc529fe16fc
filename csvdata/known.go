package csvdata

import (
	"strings"

	"github.com/symscore/symscore/dataframe"
)

// KnownTypes returns, for each column of header, the type a project's attributes give it,
// for inference to take as given: the attribute's own type (C or B) for a column named as
// one, T for a column whose name is the base of attributes "name$value", else 0
// (unknown). names and types are the project's attributes (types[i] is names[i]'s).
func KnownTypes(header, names []string, types []dataframe.Type) []dataframe.Type {
	own := make(map[string]dataframe.Type, len(names))
	cat := map[string]bool{}
	for i, n := range names {
		if i < len(types) {
			own[n] = types[i]
		}
		if k, _, ok := strings.Cut(n, "$"); ok {
			cat[k] = true
		}
	}
	known := make([]dataframe.Type, len(header))
	for i, h := range header {
		switch {
		case own[h] != 0:
			known[i] = own[h]
		case cat[h]:
			known[i] = dataframe.TypeT
		}
	}
	return known
}
