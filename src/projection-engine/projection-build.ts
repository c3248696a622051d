// One build of a projection: a version of its code run into its own collection with its own
// checkpoint. Build 0 of a version uses the names the projection declares (product_details_v1,
// product-details@v1); a rebuild of the same version gets fresh ones (product_details_v1_b2,
// product-details@v1#2), so the new build fills them while the old one keeps serving.
import type { DocumentProjection } from './projection.js';
import { projectionCheckpointName } from './projection.js';

export interface ProjectionBuild {
  version: number;
  build: number;
  collection: string;
  checkpointName: string;
}

export function projectionBuild(projection: Pick<DocumentProjection, 'name' | 'version' | 'collection'>, build: number): ProjectionBuild {
  const base = projectionCheckpointName(projection);
  return build === 0
    ? { version: projection.version, build, collection: projection.collection.name, checkpointName: base }
    : { version: projection.version, build, collection: `${projection.collection.name}_b${build}`, checkpointName: `${base}#${build}` };
}

/** The projection writing into the build's collection. */
export function projectionForBuild<P extends DocumentProjection>(projection: P, build: ProjectionBuild): P {
  return build.collection === projection.collection.name ? projection : { ...projection, collection: { ...projection.collection, name: build.collection } };
}

export const sameBuild = (a: ProjectionBuild, b: ProjectionBuild) => a.version === b.version && a.build === b.build;
