#include "namespace_aliases.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace loom::wikitext {
namespace {

struct LanguageAliases {
  std::string_view language;
  std::initializer_list<std::string_view> media;
  std::initializer_list<std::string_view> category;
};

// From the HF hub wikipedia.py (Wikipedia siteinfo namespace aliases, accessed 2021-12-21).
const std::array<LanguageAliases, 20> kAliases = {{
    {"bg", {"Медия", "Файл", "Картинка"}, {"Категория"}},
    {"ca", {"Fitxer", "Imatge"}, {"Categoria"}},
    {"cs", {"Soubor", "Média", "Obrázok"}, {"Kategorie"}},
    {"da", {"Billede", "Fil"}, {"Kategori"}},
    {"de", {"Medium", "Datei", "Bild"}, {"Kategorie"}},
    {"en", {}, {}},
    {"es", {"Medio", "Archivo", "Imagen"}, {"CAT", "Categoría"}},
    {"fr", {"Média", "Fichier"}, {"Catégorie"}},
    {"hr", {"Mediji", "DT", "Slika", "F", "Datoteka"}, {"CT", "KT", "Kategorija"}},
    {"hu", {"Kép", "Fájl", "Média"}, {"Kategória"}},
    {"it", {"Immagine"}, {"CAT", "Categoria"}},
    {"nl", {"Bestand", "Afbeelding"}, {"Categorie"}},
    {"pl", {"Plik", "Grafika"}, {"Kategoria"}},
    {"pt", {"Multimédia", "Ficheiro", "Arquivo", "Imagem"}, {"Categoria"}},
    {"ro", {"Fişier", "Imagine", "Fișier"}, {"Categorie"}},
    {"ru", {"Медиа", "Файл", "Изображение"}, {"Категория", "К"}},
    {"sl", {"Slika", "Datoteka"}, {"Kategorija"}},
    {"sr",
     {"Датотека", "Medij", "Slika", "Медија", "Datoteka", "Медиј", "Medija", "Слика"},
     {"Kategorija", "Категорија"}},
    {"sv", {"Fil", "Bild"}, {"Kategori"}},
    {"uk", {"Медіа", "Медиа", "Файл", "Изображение", "Зображення"}, {"Категория", "Категорія"}},
}};

const LanguageAliases* find(std::string_view language) {
  const auto it = std::find_if(kAliases.begin(), kAliases.end(),
                               [&](const LanguageAliases& a) { return a.language == language; });
  return it == kAliases.end() ? nullptr : &*it;
}

}  // namespace

bool has_namespace_aliases(std::string_view language) { return find(language) != nullptr; }

NamespaceAliases namespace_aliases(std::string_view language) {
  NamespaceAliases out{{"File", "Image", "Media"}, {"Category"}};
  if (const LanguageAliases* a = find(language)) {
    out.media.insert(out.media.end(), a->media.begin(), a->media.end());
    out.category.insert(out.category.end(), a->category.begin(), a->category.end());
  }
  return out;
}

}  // namespace loom::wikitext
