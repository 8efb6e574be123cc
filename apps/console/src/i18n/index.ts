import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { vi } from './vi';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'ioc.lang';

function storedLanguage(): Language {
  const v = localStorage.getItem(STORAGE_KEY);
  return v === 'en' ? 'en' : 'vi';
}

/** Vietnamese unless the operator picked English on this browser. */
export async function initI18n(): Promise<void> {
  await i18next.use(initReactI18next).init({
    resources: { vi: { translation: vi }, en: { translation: en } },
    lng: storedLanguage(),
    fallbackLng: 'vi',
    interpolation: { escapeValue: false },
  });
  document.documentElement.lang = i18next.language;
}

export async function setLanguage(lang: Language): Promise<void> {
  localStorage.setItem(STORAGE_KEY, lang);
  await i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}
