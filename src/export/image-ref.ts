/**
 * `--image`: an image reference as Docker and the kubelet parse it (the grammar of distribution/reference):
 * `[host[:port]/]path[:tag][@digest]`, the path lowercase components joined by `/`, at most 255 characters of
 * name. A reference that does not parse would be written into compose.yaml or the Deployment and refused only at
 * `docker compose up` or as a pod stuck in InvalidImageName.
 */
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|-+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const NAME = `(?:${HOST}(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::${TAG})?(?:@${DIGEST})?$`);
const NAME_MAX = 255;

export const IMAGE_RULE = 'an image reference such as registry.example.com:5000/team/app:1.2 ([registry/]name[:tag][@digest], the name lowercase)';

export function isImageReference(reference: string): boolean {
  const match = REFERENCE.exec(reference);
  return match !== null && match[1]!.length <= NAME_MAX;
}
