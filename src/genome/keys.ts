// The key spaces of nodes and edges (innovation numbers): the optimizer role's input nodes have
// keys 0-5 and its output node key 6; the seed library hashes its parts' names into
// [SEED_KEY_BASE, EVOLVED_KEY_BASE) (src/seeds/builder.ts); evolution numbers new parts from
// EVOLVED_KEY_BASE up (innovation.ts), so they never meet a seed's keys. A leaf module: genome/
// and seeds/ both read it, and genome/ imports nothing from seeds/.

export const SEED_KEY_BASE = 1024;
export const EVOLVED_KEY_BASE = 2 ** 24;
