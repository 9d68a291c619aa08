import { render } from 'preact'
import { App } from './app'
import { getLanguage, setLanguage } from './i18n'
import './styles.css'

setLanguage(getLanguage())
render(<App />, document.getElementById('app')!)
