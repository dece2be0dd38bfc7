export { Bucket, type BucketArgs, type StorageClass } from "./bucket";
export { BucketCredential, type BucketCredentialArgs } from "./bucketCredential";
