#pragma once

// Text folding for free-text search and slugs (both services and the CLI).
//
// Usage:
//   FoldText("Летят журавли")   -> "letyat zhuravli"
//   FoldText("Palme d'Or, Été") -> "palme dor ete"
//   TokenKeys("Tatyana Samoylova") == TokenKeys("Tatiana Samoilova")  //
//   {"tatiana", "samoilova"}
//
// Both the index (SearchIndex::Add) and the query side (SearchIndex::Search) go
// through TokenKeys, so a rule only has to be consistent, not linguistically
// perfect.

#include <string>
#include <string_view>
#include <vector>

namespace longtake {

// Folds UTF-8 text for matching. The result is lower-case tokens separated by
// single spaces (no leading or trailing space):
//  - ASCII letters are lower-cased, digits kept;
//  - Latin letters with diacritics (Latin-1 Supplement, Latin Extended-A,
//  Romanian s/t comma) lose them:
//    é->e, ñ->n, ü->u, ł->l; ligatures expand: ß->ss, æ->ae, œ->oe, þ->th;
//    combining marks (U+0300..U+036F, as in decomposed input) are dropped;
//  - Cyrillic is transliterated (a simplified BGN/PCGN scheme): ж->zh, х->kh,
//  ц->ts, ч->ch, ш->sh, щ->shch,
//    ю->yu, я->ya, й->y, ы->y, э->e, ё->e (Russian text often writes ё as е, so
//    both fold alike), ъ and ь are dropped; Ukrainian/Belarusian/Serbian
//    letters get plain equivalents (і->i, ї->yi, є->ye, ґ->g, ў->u...);
//  - apostrophes (' ` ’ ‘ ʼ ´ ʹ) are dropped without splitting: "d'Or" ->
//  "dor";
//  - every other ASCII or Latin-1 symbol, general punctuation (U+2000..U+206F)
//  and invalid UTF-8 splits tokens;
//  - any other character (Greek, CJK, ...) is kept as is, as part of a token
//  (no case folding for those).
std::string FoldText(std::string_view utf8);

// Maps one folded token (an element of FoldText's output) to its phonetic key,
// which merges common transliteration variants of Russian names. Rules, applied
// in this order to ASCII letters:
//  1. x -> ks                                  (Alexei -> Aleksei)
//  2. kh -> h                                  (Mikhail / Mihail, Khrushchev /
//  Hrushchev)
//  3. a leading "ye" -> "e"                    (Yevgeny / Evgeny, Yelena /
//  Elena)
//  4. consonant + "yo" -> consonant + "e"      (Pyotr / Petr, Fyodor / Fedor:
//  matches ё folded to e)
//  5. y -> i                                   (Tatyana / Tatiana, Samoylova /
//  Samoilova, -sky / -ski)
//  6. runs of i collapse to one i              (-skiy / -skii / -sky,
//  Innokentiy / Innokenty, Yuriy / Yuri)
//  7. an i between two vowels is dropped       (Dostoyevsky / Dostoevsky,
//  Andreyev / Andreev,
//                                               Neotpravlennoye /
//                                               Neotpravlennoe)
// Non-ASCII bytes are copied unchanged. The key of a prefix of a word is, for
// these rules, almost always a prefix of the word's key, which is what prefix
// search needs.
std::string PhoneticKey(std::string_view folded_token);

// FoldText, split into tokens, each mapped with PhoneticKey. Empty tokens never
// appear.
std::vector<std::string> TokenKeys(std::string_view utf8);

}  // namespace longtake
