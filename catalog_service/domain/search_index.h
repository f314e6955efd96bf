#pragma once

// In-memory inverted index for the catalogue's free-text search over short
// texts of documents (films): titles, original titles, aliases and people's
// names.
//
// Usage:
//   SearchIndex index;
//   index.Add(42, SearchIndex::Field::kTitle, "The Cranes Are Flying");
//   index.Add(42, SearchIndex::Field::kOriginalTitle, "Летят журавли");
//   index.Add(42, SearchIndex::Field::kPerson, "Mikhail Kalatozov");
//   for (const SearchIndex::Hit& hit : index.Search("kalatazov", 20)) { ...
//   hit.doc ... } index.Remove(42);  // before re-adding an updated film, or
//   when it is deleted
//
// Texts go through TokenKeys (text_normalizer.h): case, accents, Cyrillic vs
// Latin and common transliteration variants of Russian names do not matter.
//
// Design (why it is fast and small): one posting list per vocabulary term, a
// sorted vector of DocIds with a parallel byte of field bits; queries intersect
// lists rarest-first with galloping search. Fuzzy matching uses a deletion
// neighbourhood over the vocabulary (hashes of the term with 1 or 2 letters
// removed), never over documents; prefix and fuzzy expansions are capped to the
// most frequent terms. Each document keeps its list of term ids, so Remove
// touches only that document's postings.
//
// Thread safety: not thread-safe for writes; concurrent const calls are safe
// while no write runs (callers hold a reader/writer lock).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace longtake::catalog {

class SearchIndex {
 public:
  using DocId = uint32_t;
  enum class Field : uint8_t {
    kTitle = 0,
    kOriginalTitle = 1,
    kAlias = 2,
    kPerson = 3
  };
  struct Hit {
    DocId doc;
    double score;
    uint8_t matched_fields;  // bit (1 << Field) for each field in which some
                             // query token matched
  };

  // Scoring: a query token contributes kind weight x field weight of its best
  // match in the document; a document's score is the sum over query tokens.
  // Kind weights dominate field weights, so an exact match in any field beats a
  // prefix match in a title, which beats a fuzzy match.
  static constexpr double kExactWeight = 10.0;
  static constexpr double kPrefixWeight = 5.0;
  static constexpr double kFuzzy1Weight = 2.5;
  static constexpr double kFuzzy2Weight = 2.0;
  static constexpr double kTitleFieldWeight = 1.0;  // title and original title
  static constexpr double kAliasFieldWeight = 0.8;
  static constexpr double kPersonFieldWeight = 0.6;

  // Matching limits (in bytes of the token's phonetic key).
  static constexpr size_t kMinPrefixLength = 3;
  static constexpr size_t kMinFuzzy1Length = 5;
  static constexpr size_t kMinFuzzy2Length = 9;
  // At most this many vocabulary terms are used for a prefix (resp. fuzzy)
  // expansion of one query token: the most frequent ones.
  static constexpr size_t kMaxPrefixExpansions = 16;
  static constexpr size_t kMaxFuzzyExpansions = 16;

  SearchIndex() = default;
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;
  SearchIndex(SearchIndex&&) = default;
  SearchIndex& operator=(SearchIndex&&) = default;

  // Adds text for a document under a field. A document may have many texts per
  // field. The document counts as present (DocumentCount) even if the text has
  // no tokens.
  void Add(DocId doc, Field field, std::string_view text);
  // Same as Add with the text's TokenKeys (text_normalizer.h) computed by the
  // caller, e.g. once per person for the many films that credit them.
  void AddKeys(DocId doc, Field field, const std::vector<std::string>& keys);

  // Removes everything indexed for the document (used before re-adding on
  // update, and on delete). Cost is proportional to the document's own
  // postings. Unknown documents are ignored.
  void Remove(DocId doc);

  // Best hits first (ties: lower DocId first), at most `limit`. Every query
  // token must match some text of the document (AND across tokens); a token
  // matches a document token exactly, as a prefix (query token >= 3 chars, only
  // for the last query token, as users type), or within edit distance 1 (query
  // token >= 5 chars) or 2 (>= 9 chars); an adjacent transposition counts as
  // one edit. Exact beats prefix beats fuzzy; title/original title beat alias
  // beat person. Empty query: no hits.
  std::vector<Hit> Search(std::string_view query, size_t limit) const;

  // True if the document has been added and not removed.
  bool Contains(DocId doc) const {
    return doc < docs_.size() && docs_[doc].offset != kAbsent;
  }
  size_t DocumentCount() const;
  // Distinct terms ever indexed (terms whose documents were all removed stay in
  // the vocabulary).
  size_t VocabularySize() const { return terms_.size(); }
  // Heap bytes held by the index (container capacities plus an estimate for map
  // nodes and allocator overhead), in total and by part.
  struct MemoryStats {
    size_t postings =
        0;  // posting vectors (DocIds + field bytes) and their per-term headers
    size_t vocabulary = 0;  // term strings and the ordered term map
    size_t fuzzy = 0;       // deletion neighbourhood
    size_t documents =
        0;  // per-document term lists (for Remove) and the document map
    size_t Total() const { return postings + vocabulary + fuzzy + documents; }
  };
  MemoryStats MemoryUsage() const;
  size_t MemoryBytesEstimate() const { return MemoryUsage().Total(); }
  // Releases spare capacity of posting vectors and the per-document arena, e.g.
  // after a bulk load.
  void ShrinkToFit();

 private:
  using TermId = uint32_t;

  struct Term {
    const std::string* text;     // key in vocab_ (std::map nodes are stable)
    std::vector<DocId> docs;     // sorted, unique
    std::vector<uint8_t> masks;  // field bits, parallel to docs
    uint8_t
        fields;  // union of field bits ever added (an upper bound for scoring)
  };
  // The per-document list of term ids, a slice of doc_terms_.
  struct DocTerms {
    uint32_t offset;
    uint32_t count;
  };
  struct TermMatch;

  TermId InternTerm(const std::string& key);
  void IndexDeletions(TermId term, std::string_view text);
  void AddDeletionKey(uint32_t hash, TermId term);
  void AppendDocTerm(DocTerms& entry, TermId term);
  void CompactDocTerms();

  void CollectExact(const std::string& token,
                    std::vector<TermMatch>* out) const;
  void CollectPrefix(const std::string& token,
                     std::vector<TermMatch>* out) const;
  void CollectFuzzy(const std::string& token,
                    std::vector<TermMatch>* out) const;

  std::map<std::string, TermId, std::less<>> vocab_;
  std::vector<Term> terms_;
  // Exact lookups by hash (the ordered vocab_ serves prefix scans); keys view
  // vocab_'s stable nodes.
  absl::flat_hash_map<std::string_view, TermId> term_ids_;
  // Deletion neighbourhood: hash of (term with 0..2 letters deleted) -> a term
  // id, or, with kMultiBit set, an index into multi_ when several terms share
  // the hash.
  static constexpr uint32_t kMultiBit = 0x80000000u;
  absl::flat_hash_map<uint32_t, uint32_t> deletions_;
  std::vector<std::vector<TermId>> multi_;

  // By DocId (dense: the catalogue's film indexes); kAbsent when not added.
  static constexpr uint32_t kAbsent = 0xFFFFFFFFu;
  std::vector<DocTerms> docs_;
  size_t doc_count_ = 0;
  std::vector<TermId> doc_terms_;
  size_t doc_terms_garbage_ = 0;  // entries of doc_terms_ no longer referenced
};

}  // namespace longtake::catalog
