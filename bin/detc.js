#!/usr/bin/env node
// The detc command line. The compiled code lives in build/ (npm run build).
import { main } from '../build/detc.mjs';

process.exitCode = await main(process.argv.slice(2));
