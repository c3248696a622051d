// The query DTO of a route that takes no query parameters: with the global validation pipe
// (forbidNonWhitelisted), any parameter is refused with 400 instead of being ignored, so a junk
// query never reaches the handler (nor the log of audit reads). An empty class would not do:
// forbidUnknownValues refuses an object of a class with no validation metadata.
import { Equals, IsOptional } from 'class-validator';

export class NoQueryDto {
  @IsOptional()
  @Equals(undefined, { message: 'this route takes no query parameters' })
  readonly none?: undefined;
}
