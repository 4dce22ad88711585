/** Browser entry: load the i18n catalogue, then render the app. */
import { render } from 'preact';
import { App } from './app.tsx';
import { initI18n } from './i18n/index.ts';
import './styles.css';

void initI18n().then(() => render(<App />, document.getElementById('app')!));
