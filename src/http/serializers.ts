import { createRequire } from 'node:module';
import type { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;
type Serializer = ReturnType<ReturnType<SerializerFactory>>;

export interface LazySerializers {
  /** For Fastify's `schemaController.compilersFactory.buildSerializer`. */
  readonly factory: SerializerFactory;
  /** Builds every serializer not built yet (a schema that cannot be built throws); how many it built. */
  buildAll(): number;
}

const require = createRequire(import.meta.url);
let fastifyDefault: SerializerFactory | undefined;

// Required on the first response rather than imported: fast-json-stringify brings Ajv with it,
// which nothing else loads at start.
function fastifyDefaultFactory(): SerializerFactory {
  fastifyDefault ??= (
    require('@fastify/fast-json-stringify-compiler') as { SerializerSelector: typeof SerializerSelector }
  ).SerializerSelector();
  return fastifyDefault;
}

/**
 * Fastify's own response serializers (fast-json-stringify, with the same shared schemas and
 * options), each built on its route's first response with that status instead of when the route is
 * registered: building them all took over a second of every start, for routes most processes never
 * answer. The functions, and so the bytes, are the same. A schema that cannot be built fails its
 * first response rather than the start; the tests build them all (`buildAll`) to find that early.
 */
export function lazySerializers(): LazySerializers {
  const unbuilt = new Set<() => Serializer>();
  const factory: SerializerFactory = (externalSchemas, options) => {
    let compile: ReturnType<SerializerFactory> | undefined;
    return (route) => {
      let serializer: Serializer | undefined;
      const build = () => {
        if (serializer === undefined) {
          compile ??= fastifyDefaultFactory()(externalSchemas, options);
          serializer = compile(route);
          unbuilt.delete(build);
        }
        return serializer;
      };
      unbuilt.add(build);
      return (document) => build()(document);
    };
  };
  return {
    factory,
    buildAll() {
      const count = unbuilt.size;
      for (const build of [...unbuilt]) build();
      return count;
    },
  };
}
