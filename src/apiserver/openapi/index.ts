/** OpenAPI v2/v3 documents of the served resources; see service.ts for the HTTP contract. */
export { loadDefinitions, definitionsPath, definitionName, type Definitions, type Schema, type GVK } from './definitions.js';
export { buildOpenApiV2, publishedDefinitions, KUBERNETES_VERSION, type SwaggerDocument } from './v2.js';
export { buildOpenApiV3Documents, buildOpenApiV3Index, type OpenApiV3Document } from './v3.js';
export { encodeOpenApiV2 } from './protobuf.js';
export { OpenApiService, negotiate, MIME_JSON, MIME_V2_PROTOBUF, CONTENT_TYPE_V2_PROTOBUF, type OpenApiRequest, type OpenApiResponse } from './service.js';
