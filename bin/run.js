#!/usr/bin/env node
// a command that classifies starts its first workers now, on the core oclif leaves idle
const {startWorkersFor} = await import('../dist/src/cli/early-start.js')
startWorkersFor(process.argv.slice(2))

const {execute} = await import('@oclif/core/execute')
await execute({dir: import.meta.url})
