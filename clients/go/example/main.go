// A longtake client in Go, on stubs from scripts/gen-stubs.sh, built offline
// with Debian's Go toolchain and module packages (GOPATH mode):
//
//	scripts/gen-stubs.sh gen
//	clients/go/build.sh gen /tmp/longtake-go-example
//	TOKEN=$(build/bin/longtake token --user alice --token-secret S)
//	/tmp/longtake-go-example -catalog 127.0.0.1:50051 -watchlist 127.0.0.1:50052 -token "$TOKEN"
//
// Searches the catalogue, lists a film's sequences, adds a film to alice's
// watchlist, lists the watchlist with GB offers, then follows availability
// events for GB (with -curator-token it creates an offer once the stream is
// open, to have one to show). The same steps, and the same output, as
// clients/python/longtake_example.py. Addresses also come from LONGTAKE_ADDR /
// LONGTAKE_WATCHLIST_ADDR, tokens from LONGTAKE_TOKEN / LONGTAKE_CURATOR_TOKEN.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/genproto/googleapis/type/money"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	catalogv1 "longtake/gen/go/longtake/catalog/v1"
	watchlistv1 "longtake/gen/go/longtake/watchlist/v1"
)

// Deadline of each unary call.
const deadline = 5 * time.Second

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// describeError gives the status code, message and AIP-193 ErrorInfo reason.
func describeError(err error) string {
	s, ok := status.FromError(err)
	if !ok {
		return err.Error()
	}
	text := fmt.Sprintf("%s: %s", strings.ToUpper(toSnake(s.Code().String())), s.Message())
	for _, d := range s.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			text += fmt.Sprintf(" (reason %s, domain %s)", info.Reason, info.Domain)
		}
	}
	return text
}

// toSnake turns Go's code names ("InvalidArgument") into the canonical
// spelling other languages print ("INVALID_ARGUMENT").
func toSnake(name string) string {
	var b strings.Builder
	for i, r := range name {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func formatMoney(m *money.Money) string {
	if m.GetCurrencyCode() == "" {
		return ""
	}
	return fmt.Sprintf("%s %.2f", m.CurrencyCode, float64(m.Units)+float64(m.Nanos)/1e9)
}

func requestID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40 // a version 4 UUID
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func withToken(ctx context.Context, token string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}

type options struct {
	catalog, watchlist, token, curatorToken, user, region string
	maxEvents                                             int
	streamTimeout                                         time.Duration
}

func run(o options) error {
	cc, err := grpc.Dial(o.catalog, grpc.WithInsecure())
	if err != nil {
		return err
	}
	defer cc.Close()
	wc, err := grpc.Dial(o.watchlist, grpc.WithInsecure())
	if err != nil {
		return err
	}
	defer wc.Close()
	cat := catalogv1.NewCatalogServiceClient(cc)
	wl := watchlistv1.NewWatchlistServiceClient(wc)
	parent := "users/" + o.user
	unary := func(token string) (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		if token != "" {
			ctx = withToken(ctx, token)
		}
		return ctx, cancel
	}

	// (a) Typo-tolerant search: "Kalatazov" finds Kalatozov's films.
	fmt.Println(`== search "Kalatazov"`)
	ctx, cancel := unary("")
	found, err := cat.SearchFilms(ctx, &catalogv1.SearchFilmsRequest{Query: "Kalatazov"})
	cancel()
	if err != nil {
		return err
	}
	for _, r := range found.Results {
		fmt.Printf("film: %s | %s | %d | matched %s\n", r.Film.Name, r.Film.Title, r.Film.Year,
			strings.Join(r.MatchedFields, ","))
	}

	// (b) A film's celebrated sequences, in film order.
	fmt.Println("== sequences of films/the-cranes-are-flying")
	ctx, cancel = unary("")
	seqs, err := cat.ListSequences(ctx,
		&catalogv1.ListSequencesRequest{Parent: "films/the-cranes-are-flying"})
	cancel()
	if err != nil {
		return err
	}
	for _, s := range seqs.Sequences {
		fmt.Printf("sequence %d: %s\n", s.FilmOrder, s.Title)
	}

	// (c) Add a film to the user's watchlist (idempotent).
	fmt.Println("== add films/i-am-cuba")
	ctx, cancel = unary(o.token)
	item, err := wl.CreateWatchlistItem(ctx, &watchlistv1.CreateWatchlistItemRequest{
		Parent:    parent,
		Item:      &watchlistv1.WatchlistItem{Film: "films/i-am-cuba"},
		RequestId: requestID(),
	})
	cancel()
	if err != nil {
		return err
	}
	fmt.Printf("added: %s %s\n", item.Name, item.Film)

	// (d) The watchlist with titles and the best offer in the region.
	fmt.Printf("== watchlist of %s, region %s\n", parent, o.region)
	ctx, cancel = unary(o.token)
	items, err := wl.ListWatchlistItems(ctx,
		&watchlistv1.ListWatchlistItemsRequest{Parent: parent, Region: o.region})
	cancel()
	if err != nil {
		return err
	}
	for _, i := range items.Items {
		best := "no offer"
		if offer := i.BestOffer; offer.GetName() != "" {
			best = fmt.Sprintf("%s %s %s", offer.Provider, offer.Monetization,
				formatMoney(offer.Price))
		}
		fmt.Printf("item: %s | %s | %d | best %s\n", i.Film, i.FilmSummary.GetTitle(),
			i.FilmSummary.GetYear(), best)
	}

	// (e) Availability events, bounded by count and time.
	fmt.Printf("== availability events, region %s\n", o.region)
	streamCtx, stop := context.WithTimeout(withToken(context.Background(), o.token),
		o.streamTimeout)
	defer stop()
	stream, err := wl.WatchAvailability(streamCtx, &watchlistv1.WatchAvailabilityRequest{
		Parent: parent, Regions: []string{o.region}, ResumeAfterEventId: 0,
	})
	if err != nil {
		return err
	}
	// The server sends its headers once it is subscribed: from then on no new
	// event can be missed.
	if _, err := stream.Header(); err != nil {
		return err
	}
	if o.curatorToken != "" {
		ctx, cancel = unary(o.curatorToken)
		offer, err := wl.CreateOffer(ctx, &watchlistv1.CreateOfferRequest{
			Offer: &watchlistv1.Offer{
				Film: "films/i-am-cuba", Provider: "providers/mr-bongo",
				Monetization: watchlistv1.Monetization_MONETIZATION_RENT,
				Format:       watchlistv1.Format_FORMAT_STREAMING,
				Quality:      watchlistv1.Quality_QUALITY_HD,
				Region:       o.region, DeepLinkUri: "https://mrbongo.com/i-am-cuba-rent",
				Price: &money.Money{CurrencyCode: "GBP", Units: 3, Nanos: 490000000},
			},
			RequestId: requestID(),
		})
		cancel()
		if err != nil {
			return err
		}
		fmt.Printf("created offer %s\n", offer.Name)
	}
	seen := 0
	for seen < o.maxEvents {
		response, err := stream.Recv()
		if errors.Is(err, io.EOF) || status.Code(err) == codes.DeadlineExceeded {
			break
		}
		if err != nil {
			return err
		}
		e := response.Event
		fmt.Printf("event %d: %s %s %s %s %s\n", e.EventId, e.Kind, e.Film,
			e.Offer.GetProvider(), e.Offer.GetRegion(), formatMoney(e.Offer.GetPrice()))
		seen++
	}
	fmt.Printf("events seen: %d\n", seen)
	return nil
}

func main() {
	var o options
	flag.StringVar(&o.catalog, "catalog", envOr("LONGTAKE_ADDR", "127.0.0.1:50051"), "catalogue address")
	flag.StringVar(&o.watchlist, "watchlist", envOr("LONGTAKE_WATCHLIST_ADDR", "127.0.0.1:50052"), "watchlist address")
	flag.StringVar(&o.token, "token", os.Getenv("LONGTAKE_TOKEN"), "the user's bearer token (longtake token --user alice)")
	flag.StringVar(&o.curatorToken, "curator-token", os.Getenv("LONGTAKE_CURATOR_TOKEN"), "optional: a curator token, to create an offer while watching")
	flag.StringVar(&o.user, "user", "alice", "the watchlist's owner")
	flag.StringVar(&o.region, "region", "GB", "ISO 3166-1 alpha-2 region")
	flag.IntVar(&o.maxEvents, "max-events", 1, "stop after this many events")
	flag.DurationVar(&o.streamTimeout, "stream-timeout", 10*time.Second, "stop watching after this long")
	flag.Parse()
	if o.token == "" {
		fmt.Fprintln(os.Stderr, "longtake_example: -token or LONGTAKE_TOKEN is required")
		os.Exit(1)
	}
	if err := run(o); err != nil {
		fmt.Fprintf(os.Stderr, "longtake_example: %s\n", describeError(err))
		os.Exit(1)
	}
}
