// Texts of the News tab.
export default {
  en: {
    "news.title": "News",
    "news.empty": "No news yet.",
  },
  ru: {
    "news.title": "Новости",
    "news.empty": "Новостей пока нет.",
  },
};
