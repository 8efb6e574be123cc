import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage } from './i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="lang-switch" role="group" aria-label={t('header.language')}>
      {LANGUAGES.map((l) => (
        <button
          key={l}
          type="button"
          className={i18n.language === l ? 'on' : ''}
          aria-pressed={i18n.language === l}
          onClick={() => void setLanguage(l)}
          data-lang={l}
        >
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}
