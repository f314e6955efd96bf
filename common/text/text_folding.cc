#include "common/text/text_folding.h"

#include <cstdint>

namespace longtake {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes one UTF-8 code point at `*pos`, advancing `*pos`. Invalid or
// truncated sequences and overlong forms yield kInvalid after consuming one
// byte.
char32_t DecodeUtf8(std::string_view s, size_t* pos) {
  const auto b0 = static_cast<unsigned char>(s[*pos]);
  if (b0 < 0x80) {
    ++*pos;
    return b0;
  }
  int len;
  char32_t cp;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    ++*pos;
    return kInvalid;
  }
  if (*pos + len > s.size()) {
    ++*pos;
    return kInvalid;
  }
  for (int i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[*pos + i]);
    if ((b & 0xC0) != 0x80) {
      ++*pos;
      return kInvalid;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*pos;
    return kInvalid;
  }
  *pos += len;
  return cp;
}

// U+00C0..U+00FF. "" marks a separator (× and ÷).
constexpr const char* kLatin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c",
    "e", "e", "e", "e", "i", "i", "i",  "i",  // C0-CF
    "d", "n", "o", "o", "o", "o", "o",  "",
    "o", "u", "u", "u", "u", "y", "th", "ss",  // D0-DF
    "a", "a", "a", "a", "a", "a", "ae", "c",
    "e", "e", "e", "e", "i", "i", "i",  "i",  // E0-EF
    "d", "n", "o", "o", "o", "o", "o",  "",
    "o", "u", "u", "u", "u", "y", "th", "y",  // F0-FF
};

// U+0100..U+017F (Latin Extended-A) as ranges of the same plain letters.
struct Range {
  char32_t first;
  char32_t last;
  const char* out;
};
constexpr Range kLatinExtA[] = {
    {0x100, 0x105, "a"}, {0x106, 0x10D, "c"},  {0x10E, 0x111, "d"},
    {0x112, 0x11B, "e"}, {0x11C, 0x123, "g"},  {0x124, 0x127, "h"},
    {0x128, 0x131, "i"}, {0x132, 0x133, "ij"}, {0x134, 0x135, "j"},
    {0x136, 0x138, "k"}, {0x139, 0x142, "l"},  {0x143, 0x14B, "n"},
    {0x14C, 0x151, "o"}, {0x152, 0x153, "oe"}, {0x154, 0x159, "r"},
    {0x15A, 0x161, "s"}, {0x162, 0x167, "t"},  {0x168, 0x173, "u"},
    {0x174, 0x175, "w"}, {0x176, 0x178, "y"},  {0x179, 0x17E, "z"},
    {0x17F, 0x17F, "s"},
};

// U+0430..U+044F (lower-case Russian alphabet).
constexpr const char* kCyrillic[32] = {
    "a",  "b",  "v",  "g",    "d", "e", "zh", "z", "i",  "y",  "k",
    "l",  "m",  "n",  "o",    "p", "r", "s",  "t", "u",  "f",  "kh",
    "ts", "ch", "sh", "shch", "",  "y", "",   "e", "yu", "ya",
};

// U+0450..U+045F (other Cyrillic letters).
constexpr const char* kCyrillicExt[16] = {
    "e", "e",  "dj", "g", "ye", "dz", "i", "yi",
    "j", "lj", "nj", "c", "k",  "i",  "u", "dz",
};

enum class Kind { kSeparator, kDrop, kText, kRaw };

// Classifies a code point; for kText, `*out` receives the folded ASCII.
Kind Classify(char32_t cp, const char** out) {
  static const char* const kAscii[26] = {
      "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
      "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z"};
  static const char* const kDigits[10] = {"0", "1", "2", "3", "4",
                                          "5", "6", "7", "8", "9"};
  if (cp == kInvalid) return Kind::kSeparator;
  if (cp < 0x80) {
    if (cp >= 'a' && cp <= 'z') {
      *out = kAscii[cp - 'a'];
      return Kind::kText;
    }
    if (cp >= 'A' && cp <= 'Z') {
      *out = kAscii[cp - 'A'];
      return Kind::kText;
    }
    if (cp >= '0' && cp <= '9') {
      *out = kDigits[cp - '0'];
      return Kind::kText;
    }
    if (cp == '\'' || cp == '`') return Kind::kDrop;
    return Kind::kSeparator;
  }
  // Apostrophe look-alikes: acute accent, modifier letters prime/apostrophe,
  // curly quotes.
  if (cp == 0xB4 || cp == 0x2B9 || cp == 0x2BC || cp == 0x2018 || cp == 0x2019)
    return Kind::kDrop;
  if (cp < 0xC0)
    return Kind::kSeparator;  // C1 controls, NBSP, Latin-1 symbols.
  if (cp <= 0xFF) {
    *out = kLatin1[cp - 0xC0];
    return **out ? Kind::kText : Kind::kSeparator;
  }
  if (cp <= 0x17F) {
    for (const Range& r : kLatinExtA) {
      if (cp >= r.first && cp <= r.last) {
        *out = r.out;
        return Kind::kText;
      }
    }
    return Kind::kRaw;
  }
  if (cp == 0x218 || cp == 0x219) {  // Ș ș
    *out = "s";
    return Kind::kText;
  }
  if (cp == 0x21A || cp == 0x21B) {  // Ț ț
    *out = "t";
    return Kind::kText;
  }
  if (cp >= 0x300 && cp <= 0x36F)
    return Kind::kDrop;                        // combining diacritical marks
  if (cp >= 0x400 && cp <= 0x40F) cp += 0x50;  // upper-case Ѐ..Џ -> ѐ..џ
  if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;  // upper-case А..Я -> а..я
  if (cp >= 0x430 && cp <= 0x44F) {
    *out = kCyrillic[cp - 0x430];
    return **out ? Kind::kText : Kind::kDrop;  // ъ and ь vanish
  }
  if (cp >= 0x450 && cp <= 0x45F) {
    *out = kCyrillicExt[cp - 0x450];
    return Kind::kText;
  }
  if (cp == 0x490 || cp == 0x491) {  // Ґ ґ
    *out = "g";
    return Kind::kText;
  }
  if ((cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF)
    return Kind::kSeparator;
  return Kind::kRaw;
}

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

bool IsConsonant(char c) {
  return c >= 'a' && c <= 'z' && !IsVowel(c) && c != 'y';
}

}  // namespace

std::string FoldText(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  bool pending_space = false;
  size_t pos = 0;
  while (pos < utf8.size()) {
    const size_t start = pos;
    const char32_t cp = DecodeUtf8(utf8, &pos);
    const char* text = nullptr;
    switch (Classify(cp, &text)) {
      case Kind::kSeparator:
        pending_space = !out.empty();
        break;
      case Kind::kDrop:
        break;
      case Kind::kText:
      case Kind::kRaw:
        if (pending_space) {
          out.push_back(' ');
          pending_space = false;
        }
        if (text != nullptr) {
          out.append(text);
        } else {
          out.append(utf8.substr(start, pos - start));
        }
        break;
    }
  }
  return out;
}

std::string PhoneticKey(std::string_view token) {
  // Rules 1-2: x -> ks, kh -> h.
  std::string a;
  a.reserve(token.size() + 4);
  for (size_t i = 0; i < token.size(); ++i) {
    const char c = token[i];
    if (c == 'x') {
      a.append("ks");
    } else if (c == 'k' && i + 1 < token.size() && token[i + 1] == 'h') {
      a.push_back('h');
      ++i;
    } else {
      a.push_back(c);
    }
  }
  // Rule 3: leading "ye" -> "e".
  if (a.size() >= 2 && a[0] == 'y' && a[1] == 'e') a.erase(0, 1);
  // Rules 4-6: consonant + "yo" -> consonant + "e"; y -> i; runs of i collapse.
  std::string b;
  b.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c == 'y' && i > 0 && i + 1 < a.size() && a[i + 1] == 'o' &&
        IsConsonant(a[i - 1])) {
      b.push_back('e');
      ++i;
      continue;
    }
    if (c == 'y') c = 'i';
    if (c == 'i' && !b.empty() && b.back() == 'i') continue;
    b.push_back(c);
  }
  // Rule 7: drop an i between two vowels (decided on b, so "aia" -> "aa" and
  // "aiaia" -> "aaa").
  std::string key;
  key.reserve(b.size());
  for (size_t i = 0; i < b.size(); ++i) {
    if (b[i] == 'i' && i > 0 && i + 1 < b.size() && IsVowel(b[i - 1]) &&
        IsVowel(b[i + 1]))
      continue;
    key.push_back(b[i]);
  }
  return key;
}

std::vector<std::string> TokenKeys(std::string_view utf8) {
  const std::string folded = FoldText(utf8);
  std::vector<std::string> keys;
  size_t start = 0;
  while (start < folded.size()) {
    size_t end = folded.find(' ', start);
    if (end == std::string::npos) end = folded.size();
    if (end > start) {
      std::string key =
          PhoneticKey(std::string_view(folded).substr(start, end - start));
      if (!key.empty()) keys.push_back(std::move(key));
    }
    start = end + 1;
  }
  return keys;
}

}  // namespace longtake
