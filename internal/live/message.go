package live

import (
	"time"

	"github.com/symscore/symscore/model"
)

// Kind is the type of a server message (docs/subscribe.md).
type Kind uint8

// Server messages.
const (
	KindNames        Kind = iota + 1 // attribute names: every one (Initial), or those that just joined
	KindSubscribed                   // the answer to a subscribe
	KindUnsubscribed                 // the answer to an unsubscribe
	KindData                         // the value of a name, a pair or $project
	KindModel                        // $models: a model built or deleted
	KindLog                          // $log: the changes since the last log message
	KindClosed                       // the project was deleted: the subscriber is done
)

var kindNames = [...]string{"", "names", "subscribed", "unsubscribed", "data", "model", "log", "closed"}

// String is the message's "type": "names", "subscribed", ...
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "?"
}

// Topics: names that are not attributes.
const (
	TopicProject = "$project" // data: rows, attributes, models, frozen, lastModificationDate
	TopicModels  = "$models"  // model messages
	TopicLog     = "$log"     // log messages
	// Wildcard in a subscribe's names: every attribute, present and future.
	Wildcard = "*"
)

// Message is one server message. Which fields are set depends on Kind; what a message
// points to is immutable and shared between subscribers (Value, Names, Log): read only.
type Message struct {
	Kind Kind
	// KindNames: the names, in project index order; Initial for the first one.
	Names   []string
	Initial bool
	// KindSubscribed, KindUnsubscribed.
	Ack *Ack
	// KindData.
	Value *Value
	// KindModel.
	Model ModelEvent
	// KindLog: the entries, oldest first, and how many changes were left out (over
	// MaxLogEntries since the last log message).
	Log     []LogEntry
	Dropped uint64
	// KindClosed.
	Reason string
}

// Ack is the answer to a subscribe or an unsubscribe: the names and pairs it concerned
// and, for a subscribe, the names not (yet) in the project.
type Ack struct {
	Names   []string
	Pairs   [][2]string
	Pending []string
}

// ValueKind says what a Value describes.
type ValueKind uint8

// Values.
const (
	ValueAttribute ValueKind = iota + 1 // Uni of Name
	ValuePair                           // Bi of Pair
	ValueProject                        // Project ($project)
)

// Value is the value of one subscription at one version: made once per run of the
// notifier and shared by every subscriber it goes to. Immutable.
type Value struct {
	Kind    ValueKind
	Name    string    // ValueAttribute; TopicProject for ValueProject
	Pair    [2]string // ValuePair
	Version uint64
	// Time is the project's last modification (learn, forget or merge) the values include.
	Time    time.Time
	Uni     model.Uni
	Bi      model.Bi
	Project ProjectValues

	json []byte // the message's JSON (AppendJSON), encoded once
}

// ProjectValues are the values of $project.
type ProjectValues struct {
	Rows                 int64
	Attributes           int
	Models               int
	Frozen               bool
	LastModificationDate time.Time
}

// ModelEvent is a model built or deleted.
type ModelEvent struct {
	Deleted   bool
	ModelID   string
	ModelType string
	Version   uint64
	Time      time.Time
}

// LogEntry is one change in a log message.
type LogEntry struct {
	Op      model.ChangeOp // learn, forget, merge, freeze, unfreeze
	Rows    int64
	Version uint64
	Time    time.Time
}

// MaxLogEntries is the most entries of one log message.
const MaxLogEntries = 1000
