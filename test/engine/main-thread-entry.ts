// The child process of main-thread.ts: imports a module, calls one export with a JSON argument
// and prints its answer as JSON.

const [url, name, arg] = process.argv.slice(2) as [string, string, string];
const module = (await import(url)) as Record<string, (arg: unknown) => unknown>;
const fn = module[name];
if (fn === undefined) throw new Error(`${url} has no export ${name}`);
process.stdout.write(JSON.stringify(await fn(JSON.parse(arg))));
