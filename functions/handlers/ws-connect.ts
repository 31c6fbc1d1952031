// $connect: the authorizer already decided; nothing is stored until the socket joins a meeting,
// so a connection that never joins costs no DynamoDB write.
export const handler = async () => ({ statusCode: 200 });
