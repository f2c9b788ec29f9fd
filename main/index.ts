// Electron entry (out/main/index.cjs). Only this file and main/electron/ may import 'electron'.
import { startDesktop } from './electron/start-desktop.js';

startDesktop(__dirname);
