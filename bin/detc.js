#!/usr/bin/env node
// The detc command line. The compiled code lives in build/ (npm run build).
import { main } from '../build/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
