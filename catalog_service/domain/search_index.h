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
//   hit.doc ... }
//   // Before re-adding an updated film, or when it is deleted: the keys it
//   // was added with.
//   index.Remove(42, TokenKeys("The Cranes Are Flying Летят журавли ..."));
//
// Texts go through TokenKeys (text_normalizer.h): case, accents, Cyrillic vs
// Latin and common transliteration variants of Russian names do not matter.
//
// Design (why it is fast and small): one posting list per vocabulary term,
// sorted DocIds with a parallel byte of field bits; queries intersect
// lists rarest-first with galloping search. Fuzzy matching uses a deletion
// neighbourhood over the vocabulary (hashes of the term's first kFuzzyPrefix
// letters with 0..2 removed: enough to find every term within the distance,
// which a full edit-distance check then confirms), never over documents; it is
// a sorted array of (hash, term) pairs, with a hash map for terms added since
// the array was last merged; prefix and fuzzy expansions are capped to the
// most frequent terms. Documents keep no term lists (they would cost more than
// the postings): the caller recomputes a document's keys to remove it, and a
// per-document posting count catches keys that miss.
//
// Thread safety: not thread-safe for writes; concurrent const calls are safe
// while no write runs (callers hold a reader/writer lock).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace longtake::catalog {
namespace internal {
class SnapshotCodec;  // read_model_snapshot_codec.cc
}  // namespace internal

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
  // Deletion variants are taken of this many leading bytes of a term (and of
  // a query token): fewer variants per term, a few more candidates to check.
  static constexpr size_t kFuzzyPrefix = 8;

  SearchIndex() = default;
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;
  // Not movable: the vocabulary's sets refer to the index.
  SearchIndex(SearchIndex&&) = delete;
  SearchIndex& operator=(SearchIndex&&) = delete;

  // Adds text for a document under a field. A document may have many texts per
  // field. The document counts as present (DocumentCount) even if the text has
  // no tokens.
  void Add(DocId doc, Field field, std::string_view text);
  // Same as Add with the text's TokenKeys (text_normalizer.h) computed by the
  // caller, e.g. once per person for the many films that credit them.
  void AddKeys(DocId doc, Field field, const std::vector<std::string>& keys);

  // Removes everything indexed for the document (used before re-adding on
  // update, and on delete). `keys` are the TokenKeys the document was added
  // with, in any order, repeats and extra keys allowed: the cost is then
  // proportional to those keys' postings. Should they miss some of the
  // document's postings, the rest are found by a scan of the whole vocabulary
  // (correct but slow; counted by RemovalScans). Unknown documents are ignored.
  void Remove(DocId doc, const std::vector<std::string>& keys);
  // How many Remove calls had to scan the vocabulary (their keys missed).
  size_t RemovalScans() const { return removal_scans_; }

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
    return doc < doc_postings_.size() && doc_postings_[doc] != kAbsent;
  }
  size_t DocumentCount() const;
  // Distinct terms ever indexed (terms whose documents were all removed stay in
  // the vocabulary).
  size_t VocabularySize() const { return terms_.size(); }
  // Heap bytes held by the index (container capacities plus an estimate for map
  // nodes and allocator overhead), in total and by part.
  struct MemoryStats {
    size_t postings = 0;    // posting blocks (DocIds + field bytes), terms
    size_t vocabulary = 0;  // term texts and the term sets (exact, ordered)
    size_t fuzzy = 0;       // deletion neighbourhood
    size_t documents = 0;   // per-document posting counts
    size_t Total() const { return postings + vocabulary + fuzzy + documents; }
  };
  MemoryStats MemoryUsage() const;
  size_t MemoryBytesEstimate() const { return MemoryUsage().Total(); }
  // Releases spare capacity of posting blocks and merges the deletion
  // neighbourhood into its array, e.g. after a bulk load.
  void ShrinkToFit();

 private:
  // Saves and loads the index (read_model_snapshot.h).
  friend class internal::SnapshotCodec;
  using TermId = uint32_t;

  // A term's postings: sorted, unique DocIds and a byte of field bits for
  // each, in one heap block (the DocIds, then the bytes), or inline when there
  // is one (most terms occur in one document).
  class PostingList {
   public:
    PostingList() = default;
    PostingList(PostingList&& other) noexcept;
    PostingList& operator=(PostingList&& other) noexcept;
    ~PostingList() { delete[] block_; }

    uint32_t size() const { return size_; }
    const DocId* docs() const { return block_ ? block_ : &inline_doc_; }
    const uint8_t* masks() const {
      return block_ ? reinterpret_cast<const uint8_t*>(block_ + capacity_)
                    : &inline_mask_;
    }
    uint8_t* masks() {
      return block_ ? reinterpret_cast<uint8_t*>(block_ + capacity_)
                    : &inline_mask_;
    }
    void Insert(uint32_t pos, DocId doc, uint8_t mask);
    // Replaces the postings with `n` sorted DocIds and their field bytes
    // (an empty list being new: a snapshot's load).
    void Assign(const DocId* docs, const uint8_t* masks, uint32_t n);
    void Erase(uint32_t pos);
    void ShrinkToFit();
    size_t HeapBytes() const;  // with malloc's bookkeeping

   private:
    void Reallocate(uint32_t capacity);

    DocId* block_ = nullptr;  // capacity_ DocIds, then capacity_ bytes
    uint32_t size_ = 0;
    uint32_t capacity_ = 0;
    DocId inline_doc_ = 0;  // the posting when block_ is null
    uint8_t inline_mask_ = 0;
  };
  struct Term {
    PostingList postings;
    uint32_t text = 0;   // offset of the term's text in texts_ (it ends where
                         // the next term's begins)
    uint8_t fields = 0;  // union of field bits ever added (a scoring bound)
  };
  // Hash, equality and order of TermIds by their texts, also taking texts.
  struct TermHash {
    using is_transparent = void;
    const SearchIndex* index;
    size_t operator()(TermId id) const;
    size_t operator()(std::string_view text) const;
  };
  struct TermEq {
    using is_transparent = void;
    const SearchIndex* index;
    bool operator()(TermId a, TermId b) const { return a == b; }
    bool operator()(TermId a, std::string_view b) const;
    bool operator()(std::string_view a, TermId b) const {
      return (*this)(b, a);
    }
  };
  struct TermLess {
    using is_transparent = void;
    const SearchIndex* index;
    bool operator()(TermId a, TermId b) const;
    bool operator()(TermId a, std::string_view b) const;
    bool operator()(std::string_view a, TermId b) const;
  };
  struct TermMatch;

  std::string_view TextOf(TermId id) const {
    const uint32_t end = id + 1 < terms_.size()
                             ? terms_[id + 1].text
                             : static_cast<uint32_t>(texts_.size());
    return std::string_view(texts_).substr(terms_[id].text,
                                           end - terms_[id].text);
  }
  TermId InternTerm(const std::string& key);
  void IndexDeletions(TermId term, std::string_view text);
  void AddDeletionKey(uint32_t hash, TermId term);
  // Moves recent_deletions_ into deletions_.
  void MergeDeletions();
  // Removes the document's posting from the term; true if there was one.
  static bool RemovePosting(PostingList& postings, DocId doc);

  void CollectExact(const std::string& token,
                    std::vector<TermMatch>* out) const;
  void CollectPrefix(const std::string& token,
                     std::vector<TermMatch>* out) const;
  void CollectFuzzy(const std::string& token,
                    std::vector<TermMatch>* out) const;

  std::vector<Term> terms_;
  std::string texts_;  // every term's text, back to back
  // The vocabulary by text: hashed for exact lookups, ordered for prefixes.
  absl::flat_hash_set<TermId, TermHash, TermEq> term_ids_{0, TermHash{this},
                                                          TermEq{this}};
  absl::btree_set<TermId, TermLess> ordered_terms_{TermLess{this}};
  // Deletion neighbourhood: (hash of a variant << 32 | term id), sorted by
  // hash; then, for terms interned since the last merge, hash -> a term id,
  // or, with kMultiBit set, an index into multi_ when several terms share the
  // hash. Merged when the map grows past a quarter of the array (and by
  // ShrinkToFit).
  static constexpr uint32_t kMultiBit = 0x80000000u;
  std::vector<uint64_t> deletions_;
  absl::flat_hash_map<uint32_t, uint32_t> recent_deletions_;
  std::vector<std::vector<TermId>> multi_;

  // By DocId (dense: the catalogue's film indexes): how many terms have a
  // posting for the document; kAbsent when not added.
  static constexpr uint32_t kAbsent = 0xFFFFFFFFu;
  std::vector<uint32_t> doc_postings_;
  size_t doc_count_ = 0;
  size_t removal_scans_ = 0;
};

}  // namespace longtake::catalog
