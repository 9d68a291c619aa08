/** The current language (Vietnamese first; English remembered in localStorage) and its dictionary. */
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import { en } from './en'
import { vi, type Dictionary } from './vi'

export type Language = 'vi' | 'en'
export type { Dictionary }

const STORAGE_KEY = 'pc.lang'
const DICTIONARIES: Record<Language, Dictionary> = { vi, en }

function stored(): Language {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi'
  } catch {
    return 'vi'
  }
}

let current: Language = stored()

export function getLanguage(): Language {
  return current
}

/** Sets the language, remembers it and makes `<html lang>` follow. */
export function setLanguage(lang: Language): void {
  current = lang
  try {
    localStorage.setItem(STORAGE_KEY, lang)
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = lang
}

export function dictionary(lang: Language): Dictionary {
  return DICTIONARIES[lang]
}

export const I18n = createContext<{ lang: Language; t: Dictionary }>({ lang: 'vi', t: vi })

export function useI18n() {
  return useContext(I18n)
}
