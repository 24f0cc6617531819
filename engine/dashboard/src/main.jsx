// Entry point of the console's bundle (esbuild, at build time): mounts the app.
import { render } from 'preact';
import { App } from './app.jsx';
import './style.css';

render(<App />, document.getElementById('app'));
