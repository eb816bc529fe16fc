package bench

import "github.com/symscore/symscore/internal/testenv"

// raceEnabled: the race detector allocates and slows everything, so allocation counts (and,
// in bench, figures) are not checked under it. The one flag is testenv.Race.
const raceEnabled = testenv.Race
