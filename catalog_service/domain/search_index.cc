#include "catalog_service/domain/search_index.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <iterator>
#include <queue>
#include <utility>

#include "absl/hash/hash.h"
#include "catalog_service/domain/record_block.h"
#include "common/text/text_folding.h"

namespace longtake::catalog {
namespace {

// Fuzzy matching is skipped for longer tokens: the query-side deletion
// neighbourhood grows quadratically.
constexpr size_t kMaxFuzzyLength = 40;
// Terms shorter than this can't be within edit distance 1 of a query token of
// kMinFuzzy1Length.
constexpr size_t kMinFuzzyTermLength = SearchIndex::kMinFuzzy1Length - 1;
// Terms at least this long also index 2-letter deletions (they can be within
// distance 2 of a 9-letter token).
constexpr size_t kMinFuzzy2TermLength = SearchIndex::kMinFuzzy2Length - 2;
// Recent deletion keys are merged into the sorted array once they are more
// than this, and more than a quarter of the array.
constexpr size_t kMinDeletionMerge = size_t{1} << 20;
// Best field weight for a set of field bits.
constexpr std::array<double, 16> MakeFieldWeights() {
  std::array<double, 16> w{};
  for (int mask = 0; mask < 16; ++mask) {
    double best = 0;
    if (mask & 0b0011)
      best = SearchIndex::kTitleFieldWeight;
    else if (mask & 0b0100)
      best = SearchIndex::kAliasFieldWeight;
    else if (mask & 0b1000)
      best = SearchIndex::kPersonFieldWeight;
    w[mask] = best;
  }
  return w;
}
constexpr std::array<double, 16> kFieldWeight = MakeFieldWeights();

// 32 bits are plenty: a collision only adds a candidate that the edit-distance
// check rejects.
uint32_t HashKey(std::string_view s) {
  const uint64_t h = absl::Hash<std::string_view>{}(s);
  return static_cast<uint32_t>(h ^ (h >> 32));
}

// Calls fn(string_view) for `s` and every string obtained by
// deleting 1..max_deletions bytes (may repeat).
template <typename Fn>
void ForEachDeletion(std::string_view s, int max_deletions, Fn&& fn) {
  fn(s);
  std::string buf;
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    buf.assign(s.substr(0, i));
    buf.append(s.substr(i + 1));
    fn(std::string_view(buf));
    if (max_deletions >= 2) {
      std::string buf2;
      for (size_t j = i; j + 1 < n;
           ++j) {  // delete positions i and j+1 of s, j+1 > i
        buf2.assign(buf.substr(0, j));
        buf2.append(std::string_view(buf).substr(j + 1));
        fn(std::string_view(buf2));
      }
    }
  }
}

// Optimal string alignment distance (Levenshtein plus adjacent transpositions),
// or max_distance + 1 when larger than max_distance.
int BoundedEditDistance(std::string_view a, std::string_view b,
                        int max_distance) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > max_distance) return max_distance + 1;
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        v = std::min(v, prev2[j - 2] + 1);
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > max_distance) return max_distance + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], max_distance + 1);
}

// Sorts deletion entries by their upper 32 bits (the hash; the order of
// entries with equal hashes does not matter): an LSD radix sort in three
// passes of 11 bits, several times faster than std::sort on millions.
void SortByHash(std::vector<uint64_t>& v) {
  constexpr int kBits = 11;
  constexpr size_t kBuckets = size_t{1} << kBits;
  std::vector<uint64_t> buffer(v.size());
  for (int shift = 32; shift < 64; shift += kBits) {
    std::vector<size_t> start(kBuckets + 1, 0);
    for (uint64_t e : v) ++start[((e >> shift) & (kBuckets - 1)) + 1];
    for (size_t b = 1; b <= kBuckets; ++b) start[b] += start[b - 1];
    for (uint64_t e : v) buffer[start[(e >> shift) & (kBuckets - 1)]++] = e;
    v.swap(buffer);
  }
}

// First index >= lo with v[index] >= target (v sorted), searching exponentially
// from lo.
size_t Gallop(const SearchIndex::DocId* v, size_t n, size_t lo,
              SearchIndex::DocId target) {
  if (lo >= n || v[lo] >= target) return lo;
  size_t prev = lo;  // v[prev] < target
  size_t step = 1;
  size_t cur = lo + 1;
  while (cur < n && v[cur] < target) {
    prev = cur;
    step <<= 1;
    cur = lo + step;
  }
  const size_t hi = std::min(cur, n);
  return static_cast<size_t>(std::lower_bound(v + prev + 1, v + hi, target) -
                             v);
}

}  // namespace

struct SearchIndex::TermMatch {
  TermId term;
  double weight;  // kind weight (exact, prefix, fuzzy)
};

size_t SearchIndex::TermHash::operator()(TermId id) const {
  return (*this)(index->TextOf(id));
}
size_t SearchIndex::TermHash::operator()(std::string_view text) const {
  return absl::Hash<std::string_view>{}(text);
}
bool SearchIndex::TermEq::operator()(TermId a, std::string_view b) const {
  return index->TextOf(a) == b;
}
bool SearchIndex::TermLess::operator()(TermId a, TermId b) const {
  return index->TextOf(a) < index->TextOf(b);
}
bool SearchIndex::TermLess::operator()(TermId a, std::string_view b) const {
  return index->TextOf(a) < b;
}
bool SearchIndex::TermLess::operator()(std::string_view a, TermId b) const {
  return a < index->TextOf(b);
}

SearchIndex::TermId SearchIndex::InternTerm(const std::string& key) {
  auto found = term_ids_.find(std::string_view(key));
  if (found != term_ids_.end()) return *found;
  const auto id = static_cast<TermId>(terms_.size());
  terms_.emplace_back();
  terms_.back().text = static_cast<uint32_t>(texts_.size());
  texts_ += key;
  term_ids_.insert(id);
  ordered_terms_.insert(id);
  IndexDeletions(id, key);
  return id;
}

void SearchIndex::IndexDeletions(TermId term, std::string_view text) {
  if (text.size() < kMinFuzzyTermLength || text.size() > kMaxFuzzyLength)
    return;
  std::vector<uint32_t> hashes;
  ForEachDeletion(text.substr(0, kFuzzyPrefix),
                  text.size() >= kMinFuzzy2TermLength ? 2 : 1,
                  [&](std::string_view s) { hashes.push_back(HashKey(s)); });
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  for (uint32_t h : hashes) AddDeletionKey(h, term);
  if (recent_deletions_.size() > kMinDeletionMerge &&
      recent_deletions_.size() > deletions_.size() / 4) {
    MergeDeletions();
  }
}

void SearchIndex::MergeDeletions() {
  if (recent_deletions_.empty()) return;
  std::vector<uint64_t> recent;
  recent.reserve(recent_deletions_.size());
  const auto entry = [](uint32_t hash, TermId term) {
    return uint64_t{hash} << 32 | term;
  };
  for (const auto& [hash, v] : recent_deletions_) {
    if (v & kMultiBit) {
      for (TermId term : multi_[v & ~kMultiBit])
        recent.push_back(entry(hash, term));
    } else {
      recent.push_back(entry(hash, v));
    }
  }
  absl::flat_hash_map<uint32_t, uint32_t>().swap(recent_deletions_);
  std::vector<std::vector<TermId>>().swap(multi_);
  SortByHash(recent);
  std::vector<uint64_t> merged;
  merged.reserve(deletions_.size() + recent.size());
  std::merge(deletions_.begin(), deletions_.end(), recent.begin(), recent.end(),
             std::back_inserter(merged),
             [](uint64_t a, uint64_t b) { return (a >> 32) < (b >> 32); });
  deletions_.swap(merged);
}

void SearchIndex::AddDeletionKey(uint32_t hash, TermId term) {
  auto [it, inserted] = recent_deletions_.try_emplace(hash, term);
  if (inserted) return;
  const uint32_t v = it->second;
  if (v & kMultiBit) {
    std::vector<TermId>& list = multi_[v & ~kMultiBit];
    if (list.back() != term) list.push_back(term);
  } else if (v != term) {
    multi_.push_back({v, term});
    it->second = kMultiBit | static_cast<uint32_t>(multi_.size() - 1);
  }
}

void SearchIndex::Add(DocId doc, Field field, std::string_view text) {
  AddKeys(doc, field, TokenKeys(text));
}

void SearchIndex::AddKeys(DocId doc, Field field,
                          const std::vector<std::string>& keys) {
  if (doc >= doc_postings_.size()) doc_postings_.resize(doc + 1, kAbsent);
  uint32_t& postings = doc_postings_[doc];
  if (postings == kAbsent) {
    postings = 0;
    ++doc_count_;
  }
  const auto mask = static_cast<uint8_t>(1u << static_cast<unsigned>(field));
  for (const std::string& key : keys) {
    const TermId id = InternTerm(key);
    Term& term = terms_[id];
    term.fields |= mask;
    PostingList& list = term.postings;
    const uint32_t n = list.size();
    const DocId* docs = list.docs();
    if (n == 0 || docs[n - 1] < doc) {  // the common case when loading
                                        // in DocId order
      list.Insert(n, doc, mask);
      ++postings;
    } else if (docs[n - 1] == doc) {
      list.masks()[n - 1] |= mask;
    } else {
      const auto pos =
          static_cast<uint32_t>(std::lower_bound(docs, docs + n, doc) - docs);
      if (docs[pos] == doc) {
        list.masks()[pos] |= mask;
      } else {
        list.Insert(pos, doc, mask);
        ++postings;
      }
    }
  }
}

bool SearchIndex::RemovePosting(PostingList& list, DocId doc) {
  const DocId* docs = list.docs();
  const DocId* end = docs + list.size();
  const DocId* pos = std::lower_bound(docs, end, doc);
  if (pos == end || *pos != doc) return false;
  list.Erase(static_cast<uint32_t>(pos - docs));
  return true;
}

void SearchIndex::Remove(DocId doc, const std::vector<std::string>& keys) {
  if (!Contains(doc)) return;
  uint32_t& postings = doc_postings_[doc];
  for (const std::string& key : keys) {
    if (postings == 0) break;
    const auto it = term_ids_.find(std::string_view(key));
    if (it != term_ids_.end() && RemovePosting(terms_[*it].postings, doc))
      --postings;
  }
  if (postings > 0) {
    ++removal_scans_;
    for (Term& term : terms_) {
      if (RemovePosting(term.postings, doc) && --postings == 0) break;
    }
  }
  postings = kAbsent;
  --doc_count_;
}

void SearchIndex::ShrinkToFit() {
  for (Term& term : terms_) term.postings.ShrinkToFit();
  terms_.shrink_to_fit();
  texts_.shrink_to_fit();
  doc_postings_.shrink_to_fit();
  MergeDeletions();
}

size_t SearchIndex::DocumentCount() const { return doc_count_; }

void SearchIndex::CollectExact(const std::string& token,
                               std::vector<TermMatch>* out) const {
  const auto it = term_ids_.find(std::string_view(token));
  if (it != term_ids_.end() && terms_[*it].postings.size() > 0)
    out->push_back({*it, kExactWeight});
}

void SearchIndex::CollectPrefix(const std::string& token,
                                std::vector<TermMatch>* out) const {
  if (token.size() < kMinPrefixLength) return;
  std::vector<std::pair<size_t, TermId>> found;  // (document frequency, term)
  for (auto it = ordered_terms_.upper_bound(std::string_view(token));
       it != ordered_terms_.end() && TextOf(*it).starts_with(token); ++it) {
    const size_t df = terms_[*it].postings.size();
    if (df > 0) found.emplace_back(df, *it);
  }
  const auto by_frequency = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  if (found.size() > kMaxPrefixExpansions) {
    std::partial_sort(found.begin(), found.begin() + kMaxPrefixExpansions,
                      found.end(), by_frequency);
    found.resize(kMaxPrefixExpansions);
  }
  for (const auto& [df, id] : found) out->push_back({id, kPrefixWeight});
}

void SearchIndex::CollectFuzzy(const std::string& token,
                               std::vector<TermMatch>* out) const {
  if (token.size() < kMinFuzzy1Length || token.size() > kMaxFuzzyLength) return;
  const int max_distance = token.size() >= kMinFuzzy2Length ? 2 : 1;
  std::vector<uint32_t> hashes;
  ForEachDeletion(std::string_view(token).substr(0, kFuzzyPrefix), max_distance,
                  [&](std::string_view s) { hashes.push_back(HashKey(s)); });
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  std::vector<TermId> ids;
  for (uint32_t h : hashes) {
    for (auto e = std::lower_bound(deletions_.begin(), deletions_.end(),
                                   uint64_t{h} << 32);  // sorted by hash
         e != deletions_.end() && (*e >> 32) == h; ++e) {
      ids.push_back(static_cast<TermId>(*e));
    }
    const auto it = recent_deletions_.find(h);
    if (it == recent_deletions_.end()) continue;
    if (it->second & kMultiBit) {
      const std::vector<TermId>& list = multi_[it->second & ~kMultiBit];
      ids.insert(ids.end(), list.begin(), list.end());
    } else {
      ids.push_back(it->second);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  struct Candidate {
    int distance;
    size_t df;
    TermId id;
  };
  std::vector<Candidate> found;
  for (TermId id : ids) {
    const size_t df = terms_[id].postings.size();
    const std::string_view text = TextOf(id);
    if (df == 0 || text == token) continue;
    const int d = BoundedEditDistance(token, text, max_distance);
    if (d <= max_distance) found.push_back({d, df, id});
  }
  const auto better = [](const Candidate& a, const Candidate& b) {
    if (a.distance != b.distance) return a.distance < b.distance;
    if (a.df != b.df) return a.df > b.df;
    return a.id < b.id;
  };
  if (found.size() > kMaxFuzzyExpansions) {
    std::partial_sort(found.begin(), found.begin() + kMaxFuzzyExpansions,
                      found.end(), better);
    found.resize(kMaxFuzzyExpansions);
  }
  for (const Candidate& c : found)
    out->push_back({c.id, c.distance == 1 ? kFuzzy1Weight : kFuzzy2Weight});
}

std::vector<SearchIndex::Hit> SearchIndex::Search(std::string_view query,
                                                  size_t limit) const {
  std::vector<Hit> hits;
  if (limit == 0) return hits;
  std::vector<std::string> tokens = TokenKeys(query);
  if (tokens.empty()) return hits;
  const std::string last = tokens.back();
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());

  // One plan per distinct token: the vocabulary terms it matches, with their
  // kind weights.
  struct Plan {
    std::vector<TermMatch> matches;
    size_t postings = 0;
    double max_score =
        0;  // upper bound of the plan's contribution to a document's score
  };
  std::vector<Plan> plans(tokens.size());
  double max_total = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    Plan& plan = plans[i];
    CollectExact(tokens[i], &plan.matches);
    if (tokens[i] == last) CollectPrefix(tokens[i], &plan.matches);
    CollectFuzzy(tokens[i], &plan.matches);
    if (plan.matches.empty())
      return hits;  // AND: a token without matches means no hits
    // A term found both as a prefix and as a fuzzy match keeps its best weight.
    std::sort(plan.matches.begin(), plan.matches.end(),
              [](const TermMatch& a, const TermMatch& b) {
                return a.term != b.term ? a.term < b.term : a.weight > b.weight;
              });
    plan.matches.erase(std::unique(plan.matches.begin(), plan.matches.end(),
                                   [](const TermMatch& a, const TermMatch& b) {
                                     return a.term == b.term;
                                   }),
                       plan.matches.end());
    for (const TermMatch& m : plan.matches) {
      const Term& term = terms_[m.term];
      plan.postings += term.postings.size();
      plan.max_score =
          std::max(plan.max_score, m.weight * kFieldWeight[term.fields & 0xF]);
    }
    max_total += plan.max_score;
  }
  // Rarest first: the driving plan enumerates candidates, the others only probe
  // them.
  std::sort(plans.begin(), plans.end(), [](const Plan& a, const Plan& b) {
    return a.postings < b.postings;
  });
  // Within a probed plan, try the lists with the best possible contribution
  // first, so a probe can stop at the first match that no other list could
  // beat.
  std::vector<std::vector<double>> list_bounds(plans.size());
  for (size_t p = 0; p < plans.size(); ++p) {
    auto& matches = plans[p].matches;
    const auto bound = [&](const TermMatch& m) {
      return m.weight * kFieldWeight[terms_[m.term].fields & 0xF];
    };
    std::sort(matches.begin(), matches.end(),
              [&](const TermMatch& a, const TermMatch& b) {
                return bound(a) > bound(b);
              });
    for (const TermMatch& m : matches) list_bounds[p].push_back(bound(m));
  }
  // rest_max[p]: the most plans p.. can still add to a score.
  std::vector<double> rest_max(plans.size() + 1, 0);
  for (size_t p = plans.size(); p-- > 0;)
    rest_max[p] = rest_max[p + 1] + plans[p].max_score;

  // Best `limit` hits so far, as a heap whose front is the worst of them.
  // matched_fields is filled in at the end, for the final hits only, so that
  // probing can stop early.
  const auto better = [](const Hit& a, const Hit& b) {
    return a.score != b.score ? a.score > b.score : a.doc < b.doc;
  };
  hits.reserve(std::min(limit, plans[0].postings) + 1);
  // Candidates come in DocId order, so a later one must score strictly above
  // the worst result to enter.
  const auto threshold = [&] {
    return hits.size() == limit ? hits.front().score : -1.0;
  };

  // Scores one candidate against the other plans (document-at-a-time, galloping
  // forward through their lists) and offers it. Returns false once no later
  // candidate can enter the results.
  std::vector<std::vector<size_t>> cursors(plans.size());
  for (size_t p = 1; p < plans.size(); ++p)
    cursors[p].assign(plans[p].matches.size(), 0);
  const auto evaluate = [&](DocId doc, double score) {
    for (size_t p = 1; p < plans.size(); ++p) {
      if (score + rest_max[p] <= threshold())
        return true;  // can't make it, whatever matches
      const Plan& plan = plans[p];
      std::vector<size_t>& pos = cursors[p];
      double best = 0;
      for (size_t j = 0; j < plan.matches.size() && best < list_bounds[p][j];
           ++j) {
        const PostingList& list = terms_[plan.matches[j].term].postings;
        pos[j] = Gallop(list.docs(), list.size(), pos[j], doc);
        if (pos[j] < list.size() && list.docs()[pos[j]] == doc) {
          best = std::max(best, plan.matches[j].weight *
                                    kFieldWeight[list.masks()[pos[j]] & 0xF]);
        }
      }
      if (best == 0) return true;  // AND fails
      score += best;
    }
    const Hit hit{doc, score, 0};
    if (hits.size() < limit) {
      hits.push_back(hit);
      std::push_heap(hits.begin(), hits.end(), better);
    } else if (better(hit, hits.front())) {
      std::pop_heap(hits.begin(), hits.end(), better);
      hits.back() = hit;
      std::push_heap(hits.begin(), hits.end(), better);
    }
    return threshold() < rest_max[0];
  };

  const Plan& driver = plans[0];
  const double others_max = rest_max[1];
  if (driver.matches.size() == 1) {
    const PostingList& list = terms_[driver.matches[0].term].postings;
    const double w = driver.matches[0].weight;
    for (size_t i = 0; i < list.size(); ++i) {
      const double score = w * kFieldWeight[list.masks()[i] & 0xF];
      if (score + others_max <= threshold()) continue;
      if (!evaluate(list.docs()[i], score)) break;
    }
  } else {
    // k-way merge of the driver's lists in DocId order; a document takes its
    // best match. Once the results are full, a list whose best possible total
    // can't beat the worst result is dropped from the merge (a document whose
    // best match is in that list can't be a hit).
    const size_t k = driver.matches.size();
    using Cursor = std::pair<DocId, size_t>;  // (current doc, match index)
    std::priority_queue<Cursor, std::vector<Cursor>, std::greater<>> heap;
    std::vector<size_t> pos(k, 0);
    for (size_t j = 0; j < k; ++j)
      heap.emplace(terms_[driver.matches[j].term].postings.docs()[0], j);
    while (!heap.empty()) {
      const DocId doc = heap.top().first;
      double score = 0;
      while (!heap.empty() && heap.top().first == doc) {
        const size_t j = heap.top().second;
        heap.pop();
        if (list_bounds[0][j] + others_max <= threshold())
          continue;  // dropped for good
        const PostingList& list = terms_[driver.matches[j].term].postings;
        score = std::max(score, driver.matches[j].weight *
                                    kFieldWeight[list.masks()[pos[j]] & 0xF]);
        if (++pos[j] < list.size()) heap.emplace(list.docs()[pos[j]], j);
      }
      if (score == 0 || score + others_max <= threshold()) continue;
      if (!evaluate(doc, score)) break;
    }
  }
  std::sort(hits.begin(), hits.end(), better);

  // matched_fields of the final hits: every field where some query token
  // matched.
  for (Hit& hit : hits) {
    for (const Plan& plan : plans) {
      for (const TermMatch& m : plan.matches) {
        const PostingList& list = terms_[m.term].postings;
        const DocId* end = list.docs() + list.size();
        const DocId* it = std::lower_bound(list.docs(), end, hit.doc);
        if (it != end && *it == hit.doc)
          hit.matched_fields |= list.masks()[it - list.docs()];
      }
    }
  }
  return hits;
}

SearchIndex::MemoryStats SearchIndex::MemoryUsage() const {
  MemoryStats stats;
  stats.postings = terms_.capacity() * sizeof(Term);
  for (const Term& term : terms_) stats.postings += term.postings.HeapBytes();
  // B-tree nodes run about two thirds full.
  stats.vocabulary = texts_.capacity() +
                     term_ids_.capacity() * (sizeof(TermId) + 1) +
                     ordered_terms_.size() * sizeof(TermId) * 3 / 2;
  stats.fuzzy = deletions_.capacity() * sizeof(uint64_t) +
                recent_deletions_.capacity() *
                    (sizeof(std::pair<uint32_t, uint32_t>) + 1) +
                multi_.capacity() * sizeof(std::vector<TermId>);
  for (const auto& list : multi_)
    stats.fuzzy += list.capacity() * sizeof(TermId) + internal::kMallocOverhead;
  stats.documents = doc_postings_.capacity() * sizeof(uint32_t);
  return stats;
}

}  // namespace longtake::catalog
