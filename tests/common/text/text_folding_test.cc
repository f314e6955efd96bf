#include "common/text/text_folding.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace longtake {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(FoldTextTest, LowerCasesAndSplitsOnPunctuation) {
  EXPECT_EQ(FoldText("The Cranes Are Flying"), "the cranes are flying");
  EXPECT_EQ(FoldText("Ya - Kuba"), "ya kuba");
  EXPECT_EQ(FoldText("Kalatozov-Urusevsky"), "kalatozov urusevsky");
  EXPECT_EQ(FoldText("  hello,,world!  \t(1957)"), "hello world 1957");
  EXPECT_EQ(FoldText("\xC2\xAB"
                     "Soy Cuba"
                     "\xC2\xBB"),
            "soy cuba");  // «Soy Cuba»
  EXPECT_EQ(FoldText("a\xE2\x80\x94"
                     "b"),
            "a b");  // em dash
  EXPECT_EQ(FoldText(""), "");
  EXPECT_EQ(FoldText(" ,;- "), "");
}

TEST(FoldTextTest, DropsApostrophesWithoutSplitting) {
  EXPECT_EQ(FoldText("Palme d'Or"), "palme dor");
  EXPECT_EQ(FoldText("d\xE2\x80\x99Or"), "dor");  // d’Or
  EXPECT_EQ(FoldText("O`Neil"), "oneil");
}

TEST(FoldTextTest, RemovesLatinAccents) {
  EXPECT_EQ(FoldText("\xC3\x89t\xC3\xA9"), "ete");  // Été
  EXPECT_EQ(FoldText("\xC3\x91"
                     "and\xC3\xBA"),
            "nandu");  // Ñandú
  EXPECT_EQ(FoldText("M\xC3\xBCller Stra\xC3\x9F"
                     "e"),
            "muller strasse");  // Müller Straße
  EXPECT_EQ(FoldText("\xC5\x81\xC3\xB3"
                     "d\xC5\xBA"),
            "lodz");                                              // Łódź
  EXPECT_EQ(FoldText("\xC5\x92uvre \xC3\x86on"), "oeuvre aeon");  // Œuvre Æon
  EXPECT_EQ(FoldText("Bra\xC8\x99ov"), "brasov");                 // Brașov
  EXPECT_EQ(FoldText("e\xCC\x81t\xCC\x81"
                     "e"),
            "ete");  // decomposed é, combining mark dropped
}

TEST(FoldTextTest, TransliteratesCyrillic) {
  EXPECT_EQ(
      FoldText("\xD0\x9B\xD0\xB5\xD1\x82\xD1\x8F\xD1\x82 "
               "\xD0\xB6\xD1\x83\xD1\x80\xD0\xB0\xD0\xB2\xD0\xBB\xD0\xB8"),
      "letyat zhuravli");  // Летят журавли
  EXPECT_EQ(FoldText("\xD0\x9F\xD1\x91\xD1\x82\xD1\x80"), "petr");  // Пётр
  EXPECT_EQ(FoldText("\xD0\xA1\xD0\xB5\xD1\x80\xD0\xB3\xD0\xB5\xD0\xB9"),
            "sergey");  // Сергей
  EXPECT_EQ(FoldText("\xD0\xA9\xD1\x83\xD0\xBA\xD0\xB0"), "shchuka");  // Щука
  EXPECT_EQ(FoldText("\xD0\x9E\xD0\xB1\xD1\x8A\xD1\x91\xD0\xBC"),
            "obem");  // Объём: ъ dropped, ё -> e
  EXPECT_EQ(FoldText("\xD0\xBF\xD0\xB8\xD1\x81\xD1\x8C\xD0\xBC\xD0\xBE"),
            "pismo");  // письмо
  EXPECT_EQ(
      FoldText("\xD0\xA5\xD0\xB0\xD0\xBD \xD0\xA6\xD0\xB0\xD1\x80\xD1\x8C "
               "\xD0\xA7\xD0\xB0\xD0\xB9"),
      "khan tsar chay");  // Хан Царь Чай
  EXPECT_EQ(FoldText("\xD0\xA8\xD0\xB0\xD1\x80 \xD0\xAE\xD0\xBB\xD0\xB0 "
                     "\xD0\xAF\xD0\xBC\xD0\xB0"),
            "shar yula yama");  // Шар Юла Яма
  EXPECT_EQ(
      FoldText("\xD0\x9C\xD1\x8B\xD1\x88\xD1\x8C \xD0\xAD\xD1\x85\xD0\xBE"),
      "mysh ekho");  // Мышь Эхо
  EXPECT_EQ(
      FoldText("\xD0\x99\xD0\xBE\xD0\xB4 \xD0\x81\xD0\xBB\xD0\xBA\xD0\xB0"),
      "yod elka");  // Йод Ёлка
  EXPECT_EQ(FoldText("\xD0\x9F\xD0\xB5\xD1\x80\xD0\xB2\xD1\x8B\xD0\xB9 "
                     "\xD1\x8D\xD1\x88\xD0\xB5\xD0\xBB\xD0\xBE\xD0\xBD"),
            "pervyy eshelon");  // Первый эшелон
}

TEST(FoldTextTest, KeepsOtherScriptsAndSplitsOnInvalidUtf8) {
  EXPECT_EQ(FoldText("\xE6\x9D\xB1\xE4\xBA\xAC\xE7\x89\xA9\xE8\xAA\x9E"),
            "\xE6\x9D\xB1\xE4\xBA\xAC\xE7\x89\xA9\xE8\xAA\x9E");
  EXPECT_EQ(FoldText("ab\xFF"
                     "cd"),
            "ab cd");
  EXPECT_EQ(FoldText("ab\xC3"), "ab");  // truncated sequence
  EXPECT_EQ(FoldText("a\xC0\xAF"
                     "b"),
            "a b");  // overlong '/'
}

std::string Key(std::string_view text) {
  const std::vector<std::string> keys = TokenKeys(text);
  if (keys.size() == 1) return keys[0];
  std::string what = std::to_string(keys.size());
  what.append(" tokens");
  return what;
}

TEST(PhoneticKeyTest, MergesTransliterationVariants) {
  const std::vector<std::vector<std::string>> groups = {
      {"Tatiana", "Tatyana",
       "\xD0\xA2\xD0\xB0\xD1\x82\xD1\x8C\xD1\x8F\xD0\xBD\xD0\xB0"},  // Татьяна
      {"Samoilova", "Samoylova",
       "\xD0\xA1\xD0\xB0\xD0\xBC\xD0\xBE\xD0\xB9\xD0\xBB\xD0\xBE\xD0\xB2\xD0"
       "\xB0"},
      {"Aleksey", "Alexei", "Aleksei", "Alexey",
       "\xD0\x90\xD0\xBB\xD0\xB5\xD0\xBA\xD1\x81\xD0\xB5\xD0\xB9"},
      {"Sergei", "Sergey", "\xD0\xA1\xD0\xB5\xD1\x80\xD0\xB3\xD0\xB5\xD0\xB9"},
      {"Yevgeny", "Evgeny", "Evgeni", "Yevgeniy",
       "\xD0\x95\xD0\xB2\xD0\xB3\xD0\xB5\xD0\xBD\xD0\xB8\xD0\xB9"},
      {"Innokenty", "Innokentiy", "Innokentii"},
      {"Urusevsky", "Urusevskiy", "Urusevskii", "Urusevski"},
      {"Mikhail", "Mihail", "\xD0\x9C\xD0\xB8\xD1\x85\xD0\xB0\xD0\xB8\xD0\xBB"},
      {"Pyotr", "Petr", "\xD0\x9F\xD1\x91\xD1\x82\xD1\x80"},
      {"Fyodor", "Fedor"},
      {"Dostoyevsky", "Dostoevsky", "Dostoevskiy"},
      {"Neotpravlennoye", "Neotpravlennoe"},
      {"Pervyy", "Pervy", "Pervyi", "Perviy"},
      {"Letyat", "Letiat"},
      {"Yuri", "Yuriy", "Yury", "Iurii"},
  };
  for (const auto& group : groups) {
    for (const std::string& variant : group) {
      EXPECT_EQ(Key(variant), Key(group[0])) << variant << " vs " << group[0];
    }
  }
}

TEST(PhoneticKeyTest, KeepsDistinctWordsDistinct) {
  EXPECT_NE(Key("Kalatozov"), Key("Kalatazov"));  // left to fuzzy matching
  EXPECT_NE(Key("cranes"), Key("crane"));
  EXPECT_NE(Key("Boris"), Key("Doris"));
  EXPECT_NE(Key("Soy"), Key("So"));
}

TEST(PhoneticKeyTest, ExactKeys) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"alexei", "aleksei"}, {"khrushchev", "hrushchev"},
      {"yevgeny", "evgeni"}, {"dostoyevsky", "dostoevski"},
      {"cuba", "cuba"},      {"", ""},
  };
  for (const auto& [token, key] : cases) {
    EXPECT_EQ(PhoneticKey(token), key) << '"' << token << '"';
  }
}

TEST(TokenKeysTest, FoldsThenKeysEachToken) {
  EXPECT_THAT(TokenKeys("Tatyana Samoylova"),
              ElementsAre("tatiana", "samoilova"));
  EXPECT_THAT(TokenKeys("Ya - Kuba"), ElementsAre("ia", "kuba"));
  EXPECT_THAT(TokenKeys("  ...  "), IsEmpty());
  EXPECT_EQ(
      TokenKeys("Alexei Batalov"),
      TokenKeys("\xD0\x90\xD0\xBB\xD0\xB5\xD0\xBA\xD1\x81\xD0\xB5\xD0\xB9 "
                "\xD0\x91\xD0\xB0\xD1\x82\xD0\xB0\xD0\xBB\xD0\xBE\xD0\xB2"));
}

}  // namespace
}  // namespace longtake
